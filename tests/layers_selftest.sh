#!/usr/bin/env bash
# layers_selftest.sh - scripts/check-layers.sh must fail on planted
# violations (ctest check_layers_selftest): on a scratch copy of lib/ and
# milter/, each plant alone must make the check fail with its message, and
# the unplanted copy must pass.
#
#   tests/layers_selftest.sh SOURCE_DIR
set -euo pipefail

src=$1
check=$src/scripts/check-layers.sh
work=$(mktemp -d /tmp/dmarcguard-layers.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0

fresh() {
	rm -rf "$work/copy"
	mkdir -p "$work/copy"
	cp -r "$src/lib" "$src/milter" "$work/copy/"
}

# expect DESCRIPTION WANTED-TEXT: the check fails and prints WANTED-TEXT
expect() {
	local out rc=0
	out=$(bash "$check" "$work/copy" 2>&1) || rc=$?
	if [ "$rc" = 0 ] || [[ "$out" != *"$2"* ]]; then
		echo "FAIL: $1: exit $rc, wanted \"$2\" in:"
		echo "$out" | sed 's/^/  /'
		failed=1
	else
		echo "ok: $1"
	fi
}

fresh
if ! bash "$check" "$work/copy" >/dev/null; then
	echo "FAIL: the unchanged copy does not pass"
	failed=1
fi

fresh
sed -i '0,/^#include "/s//#include "spf_eval.h"\n&/' "$work/copy/lib/dns/resolver.c"
expect "dns includes spf (upward)" "lib/dns/resolver.c includes spf_eval.h of lib/spf, which lib/dns may not use"

fresh
sed -i '0,/^#include "/s//#include "dkimv.h"\n&/' "$work/copy/lib/spf/spf_eval.c"
expect "spf includes dkim (sideways)" "lib/spf/spf_eval.c includes dkimv.h of lib/dkim"

fresh
sed -i '0,/^#include "/s//#include "from_tokenizer.h"\n&/' "$work/copy/lib/engine/message.c"
expect "engine includes a private header of mail" "includes from_tokenizer.h, a private header of lib/mail"

fresh
sed -i '0,/^#include "/s//#include "message_state.h"\n&/' "$work/copy/milter/filter.c"
expect "milter includes a private header of engine" "milter/filter.c includes message_state.h, a private header of lib/engine"

fresh
sed -i '0,/^#include "/s//#include "config.h"\n&/' "$work/copy/lib/policy/policy.c"
expect "lib includes the daemon" "includes config.h of milter/"

fresh
touch "$work/copy/lib/stray.c"
expect "a .c at lib's top level" "lib/stray.c: a module at lib/'s top level"

fresh
mkdir "$work/copy/lib/stray"
expect "an undeclared folder" "lib/stray/: not declared in lib/layers.txt"

fresh
sed -i 's/^dns$/dns       engine/' "$work/copy/lib/layers.txt"
expect "a cycle in layers.txt" "lib/layers.txt: dns uses engine, which is not declared above it"

exit "$failed"
