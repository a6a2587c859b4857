#!/usr/bin/env bash
# check-symbols.sh - the global symbols of our static libraries (ctest
# check_symbols).
#
#   scripts/check-symbols.sh --prefix LIB.a... [--ours OTHER.a...]
#
# For the archives after --prefix (lib/'s folder libraries) every global
# symbol an object defines starts with the object's module name and "_"
# (resolver.c.o: resolver_*), so a name says which file it comes from. For
# all archives, those after --ours too (the daemon, the test support), no
# symbol starts with "dkim_": that namespace is libopendkim's (it exports
# about a hundred dkim_* functions). The one allowed exception is
# d2i_PUBKEY_bio, which dkimv_keycache.c defines on purpose to stand in
# front of OpenSSL's (see lib/dkim/private/dkimv_keycache.h).
set -euo pipefail

mode=
prefix=()
ours=()
for arg in "$@"; do
	case "$arg" in
	--prefix | --ours) mode=$arg ;;
	*) if [ "$mode" = --prefix ]; then prefix+=("$arg"); else ours+=("$arg"); fi ;;
	esac
done
[ ${#prefix[@]} -gt 0 ] || { echo "usage: $0 --prefix LIB.a... [--ours OTHER.a...]" >&2; exit 2; }

# "archive object symbol" per defined global symbol; the compiler's own
# (AddressSanitizer's __odr_asan.NAME and __asan_* in a sanitizer build)
# are not ours to name
symbols() {
	nm -A -g --defined-only "$@" | awk 'NF >= 3 && $NF !~ /^__(odr_asan|asan_|sancov|tsan_|ubsan_)/ {
		n = split($1, p, ":"); print p[1], p[n - 1], $NF }'
}

bad=$(
	symbols "${prefix[@]}" | awk '
		{ m = $2; sub(/\.c\.o$/, "", m) }
		$3 == "d2i_PUBKEY_bio" && m == "dkimv_keycache" { next }
		index($3, m "_") != 1 && $3 != m {
			print "check-symbols: " $3 " in " m " (" $1 "): not prefixed " m "_"
		}'
	symbols "${prefix[@]}" "${ours[@]}" | awk 'tolower($3) ~ /^dkim_/ {
			sub(/\.c\.o$/, "", $2)
			print "check-symbols: " $3 " in " $2 " (" $1 "): in libopendkim'"'"'s dkim_ namespace"
		}'
)
if [ -n "$bad" ]; then
	echo "$bad"
	exit 1
fi
echo "check-symbols: $(symbols "${prefix[@]}" "${ours[@]}" | wc -l) global symbols, each with its module's prefix, none dkim_*"
