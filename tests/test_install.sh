#!/usr/bin/env bash
# test_install.sh - "cmake --install" puts binary, man pages, sample
# configuration and the systemd unit in place, and systemd-analyze verify
# accepts the unit as installed (its ExecStart names the installed binary).
# Usage: test_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d /tmp/dmarcguard-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A separate configure so the unit is generated for this prefix.
cmake -S "$src" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX="$tmp/usr" \
	-DCMAKE_INSTALL_SYSCONFDIR="$tmp/etc" -DDMARCGUARD_TESTS=OFF >/dev/null
cmake --build "$tmp/build" -j 2 >/dev/null
cmake --install "$tmp/build" >/dev/null

fail=0
for f in usr/sbin/dmarcguard usr/share/man/man8/dmarcguard.8 usr/share/man/man5/dmarcguard.conf.5 \
	 usr/sbin/dmarcguard-reports usr/share/man/man8/dmarcguard-reports.8 \
	 usr/bin/dmarcguard-quarantine usr/share/man/man8/dmarcguard-quarantine.8 \
	 usr/bin/dmarcguard-alerts usr/share/man/man1/dmarcguard-alerts.1 \
	 usr/share/doc/dmarcguard/examples/dmarcguard.conf etc/dmarcguard.conf \
	 usr/lib/systemd/system/dmarcguard.service; do
	[ -e "$tmp/$f" ] || { echo "missing after install: $f"; fail=1; }
done
[ "$fail" = 0 ] || exit 1
grep -q "^ExecStart=$tmp/usr/sbin/dmarcguard -f -c $tmp/etc/dmarcguard.conf\$" \
	"$tmp/usr/lib/systemd/system/dmarcguard.service" || { echo "unit ExecStart wrong"; exit 1; }
"$tmp/usr/sbin/dmarcguard" -n -c "$tmp/etc/dmarcguard.conf" >/dev/null || { echo "installed config refused"; exit 1; }

# An existing /etc/dmarcguard.conf is never overwritten.
echo "DryRun yes" > "$tmp/etc/dmarcguard.conf"
cmake --install "$tmp/build" >/dev/null
grep -qx "DryRun yes" "$tmp/etc/dmarcguard.conf" || { echo "install overwrote the configuration"; exit 1; }

# systemd-analyze verify, with the man pages findable for Documentation=.
if command -v systemd-analyze >/dev/null; then
	MANPATH="$tmp/usr/share/man:" systemd-analyze verify \
		"$tmp/usr/lib/systemd/system/dmarcguard.service" 2>"$tmp/verify.err" || true
	if grep -v -e "^$" "$tmp/verify.err" | grep -q .; then
		echo "systemd-analyze verify complained:"; cat "$tmp/verify.err"; exit 1
	fi
	echo "systemd-analyze verify: clean"
else
	echo "systemd-analyze missing"; exit 1
fi
echo "install test passed"
