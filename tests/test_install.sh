#!/usr/bin/env bash
# test_install.sh - "cmake --install" puts binary, man pages, sample
# configuration and the systemd units in place (the daemon's, and the daily
# reports service and timer, hardened alike), and systemd-analyze verify
# accepts them as installed (their ExecStart names the installed binaries).
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
	 usr/lib/systemd/system/dmarcguard.service usr/lib/systemd/system/dmarcguard-reports.service \
	 usr/lib/systemd/system/dmarcguard-reports.timer; do
	[ -e "$tmp/$f" ] || { echo "missing after install: $f"; fail=1; }
done
[ "$fail" = 0 ] || exit 1
grep -q "^ExecStart=$tmp/usr/sbin/dmarcguard -f -c $tmp/etc/dmarcguard.conf\$" \
	"$tmp/usr/lib/systemd/system/dmarcguard.service" || { echo "unit ExecStart wrong"; exit 1; }
"$tmp/usr/sbin/dmarcguard" -n -c "$tmp/etc/dmarcguard.conf" >/dev/null || { echo "installed config refused"; exit 1; }
units=$tmp/usr/lib/systemd/system
grep -q "^ExecStart=$tmp/usr/sbin/dmarcguard-reports -c $tmp/etc/dmarcguard.conf send\$" \
	"$units/dmarcguard-reports.service" || { echo "reports unit ExecStart wrong"; exit 1; }
grep -qx "OnCalendar=\*-\*-\* 00:10:00 UTC" "$units/dmarcguard-reports.timer" \
	&& grep -qx "Persistent=true" "$units/dmarcguard-reports.timer" || { echo "timer not daily after 00:00 UTC"; exit 1; }
# the reports service is as hardened as the daemon: every protection of the
# daemon's unit but the ones sendmail's postdrop rules out is in it too
grep -E '^(Protect|Private|Restrict|NoNew|Lock|Memory|Capability|Ambient|SystemCall|User|Group|StateDirectory|UMask)' \
	"$units/dmarcguard.service" >"$tmp/hardening"
[ "$(wc -l <"$tmp/hardening")" -ge 20 ] || { echo "the daemon's unit lost its hardening?"; exit 1; }
while read -r key; do
	grep -qxF "$key" "$units/dmarcguard-reports.service" || { echo "reports unit lacks $key"; exit 1; }
done <"$tmp/hardening"
# the next elapse of the timer is shortly after midnight UTC
if command -v systemd-analyze >/dev/null; then
	next=$(TZ=UTC systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$units/dmarcguard-reports.timer")" \
		| sed -n 's/^ *Next elapse: //p')
	[[ "$next" == *" 00:10:00 UTC" ]] || { echo "timer's next elapse: $next"; exit 1; }
fi

# An existing /etc/dmarcguard.conf is never overwritten.
echo "DryRun yes" > "$tmp/etc/dmarcguard.conf"
cmake --install "$tmp/build" >/dev/null
grep -qx "DryRun yes" "$tmp/etc/dmarcguard.conf" || { echo "install overwrote the configuration"; exit 1; }

# systemd-analyze verify, with the man pages findable for Documentation=.
if command -v systemd-analyze >/dev/null; then
	MANPATH="$tmp/usr/share/man:" systemd-analyze verify \
		"$tmp/usr/lib/systemd/system/dmarcguard.service" \
		"$tmp/usr/lib/systemd/system/dmarcguard-reports.service" \
		"$tmp/usr/lib/systemd/system/dmarcguard-reports.timer" 2>"$tmp/verify.err" || true
	if grep -v -e "^$" "$tmp/verify.err" | grep -q .; then
		echo "systemd-analyze verify complained:"; cat "$tmp/verify.err"; exit 1
	fi
	echo "systemd-analyze verify: clean"
else
	echo "systemd-analyze missing"; exit 1
fi
echo "install test passed"
