#!/usr/bin/env bash
# test_package.sh - the Debian package (cmake/package.cmake) on this machine:
# built with cpack -G DEB as dmarcguard_<version>_amd64.deb, lintian reports
# no error, dpkg -i installs it (system user, conffile, the daemon's unit
# and the reports timer enabled with deb-systemd-helper, man pages, dmarcguard-alerts), the installed
# configuration passes dmarcguard -n, two upgrades from this build keep an
# edited /etc/dmarcguard.conf (the second one ships a changed file: the
# edit stays, the new file lands beside it as .dpkg-dist), dpkg -r leaves
# only the configuration and dpkg -P removes everything, user included.
#
# It installs into the running system, so it cleans up whatever happens,
# and it exits 77 (ctest: skipped, with the reason) when not root or when a
# dmarcguard package is already installed: that one is not ours to remove.
# Usage: test_package.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
[ "$(id -u)" = 0 ] || { echo "SKIPPED: the package test installs packages and needs root"; exit 77; }
if dpkg-query -W -f='${Status}' dmarcguard 2>/dev/null | grep -q "installed\|config-files"; then
	echo "SKIPPED: a dmarcguard package is already on this machine; not removing it"; exit 77
fi
for tool in cpack lintian dpkg-deb dpkg-shlibdeps; do
	command -v "$tool" >/dev/null || { echo "test_package.sh needs $tool (scripts/install-deps.sh --test)"; exit 1; }
done
[ ! -e /etc/dmarcguard.conf ] || { echo "/etc/dmarcguard.conf exists without the package; refusing to touch it"; exit 1; }

tmp=$(mktemp -d /tmp/dmarcguard-package-XXXXXX)
user_existed=0
getent passwd dmarcguard >/dev/null && user_existed=1
cleanup() {
	if dpkg-query -W -f='${Status}' dmarcguard 2>/dev/null | grep -q "installed\|config-files"; then
		echo "cleanup: purging the test's package"
		dpkg_retry -P dmarcguard >/dev/null 2>&1 || true
	fi
	if [ "$user_existed" = 0 ] && getent passwd dmarcguard >/dev/null; then
		deluser --system --quiet dmarcguard >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# dpkg_retry ARGS - dpkg, waiting while another dpkg or apt holds the lock
dpkg_retry() {
	local i out
	for i in $(seq 1 60); do
		if out=$(dpkg "$@" 2>&1); then printf '%s\n' "$out"; return 0; fi
		case $out in
		*"lock"*) sleep 1 ;;
		*) printf '%s\n' "$out" >&2; return 1 ;;
		esac
	done
	printf '%s\n' "$out" >&2
	return 1
}

failed=0
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
start=$SECONDS

# 1. Build.
cmake -S "$src" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc \
	-DDMARCGUARD_TESTS=OFF -DDMARCGUARD_DEB=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$tmp/build" -j 2 >/dev/null
(cd "$tmp/build" && cpack -G DEB >/dev/null)
version=$(sed -n 's/^project(dmarcguard VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
deb="$tmp/build/dmarcguard_${version}_amd64.deb"
[ -f "$deb" ] || { echo "no $deb; built: $(ls "$tmp/build"/*.deb 2>/dev/null)"; exit 1; }
echo "built $(basename "$deb") in $((SECONDS - start)) s"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libmilter libunbound libspf2 libopendkim libmicrohttpd adduser publicsuffix; do
	case $depends in *"$lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
# the listing is read whole first: grep -q would close the pipe early, and
# dpkg-deb killed by SIGPIPE fails the pipeline
dpkg-deb -c "$deb" > "$tmp/contents"
grep -q "/usr/share/doc/dmarcguard/examples/dmarcguard.conf$" "$tmp/contents" \
	|| fail "no example configuration in the package"
for page in man8/dmarcguard.8 man8/dmarcguard-reports.8 man8/dmarcguard-quarantine.8 \
	    man5/dmarcguard.conf.5 man1/dmarcguard-alerts.1; do
	grep -q "/usr/share/man/$page.gz$" "$tmp/contents" || fail "no $page.gz in the package"
done
awk '{print $6}' "$tmp/contents" | grep -v '^\./\(etc\|usr\|lib\)\(/\|$\)' | grep . \
	&& fail "files outside /etc, /usr and /lib (staging paths?)"

# 2. lintian: no error (warnings are printed).
lintian --fail-on error "$deb" > "$tmp/lintian.out" 2>&1 || { fail "lintian reports errors"; }
grep -v "running with root privileges" "$tmp/lintian.out" || true
echo "lintian: $(grep -c '^E:' "$tmp/lintian.out" || true) errors, $(grep -c '^W:' "$tmp/lintian.out" || true) warnings"

# 3. Install.
dpkg_retry -i "$deb" > "$tmp/install.out" || { cat "$tmp/install.out"; echo "dpkg -i failed"; exit 1; }
for f in /usr/sbin/dmarcguard /usr/bin/dmarcguard-alerts /etc/dmarcguard.conf \
	 /lib/systemd/system/dmarcguard.service /usr/share/man/man8/dmarcguard.8.gz \
	 /lib/systemd/system/dmarcguard-reports.service /lib/systemd/system/dmarcguard-reports.timer \
	 /usr/sbin/dmarcguard-reports /usr/bin/dmarcguard-quarantine /usr/share/man/man8/dmarcguard-quarantine.8.gz \
	 /usr/share/man/man5/dmarcguard.conf.5.gz /usr/share/man/man1/dmarcguard-alerts.1.gz \
	 /usr/share/doc/dmarcguard/copyright; do
	[ -e "$f" ] || fail "not installed: $f"
done
getent passwd dmarcguard >/dev/null || fail "postinst did not create the dmarcguard user"
dpkg-query -W -f='${Conffiles}\n' dmarcguard | grep -q "^ /etc/dmarcguard.conf " \
	|| fail "/etc/dmarcguard.conf is not a conffile"
[ -L /etc/systemd/system/multi-user.target.wants/dmarcguard.service ] \
	|| fail "the unit is not enabled (multi-user.target.wants)"
[ -L /etc/systemd/system/timers.target.wants/dmarcguard-reports.timer ] \
	|| fail "the reports timer is not enabled (timers.target.wants)"
/usr/sbin/dmarcguard -n -c /etc/dmarcguard.conf > "$tmp/check.out" 2>&1 \
	|| { fail "dmarcguard -n -c /etc/dmarcguard.conf"; cat "$tmp/check.out"; }
/usr/bin/dmarcguard-alerts --help >/dev/null || fail "dmarcguard-alerts --help"
[ "$(/usr/sbin/dmarcguard -V | awk '{print $2}')" = "$version" ] || fail "installed version"
echo "installed: $(cat "$tmp/check.out")"

# repack VERSION [CONF_LINE] - this build as a later version, the shipped
# configuration with a line added when given
repack() {
	rm -rf "$tmp/repack"
	dpkg-deb -R "$deb" "$tmp/repack"
	sed -i "s/^Version: .*/Version: $1/" "$tmp/repack/DEBIAN/control"
	[ -z "${2:-}" ] || echo "$2" >> "$tmp/repack/etc/dmarcguard.conf"
	(cd "$tmp/repack" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' \
		| sort | xargs md5sum > DEBIAN/md5sums)
	dpkg-deb --root-owner-group -b "$tmp/repack" "$tmp/dmarcguard_$1_amd64.deb" >/dev/null
	echo "$tmp/dmarcguard_$1_amd64.deb"
}

# 4. Upgrade with the shipped configuration unchanged: the edit stays, silently.
echo "DryRun yes   # edited by the package test" >> /etc/dmarcguard.conf
dpkg_retry -i "$(repack "${version}+up1")" > "$tmp/up1.out" || { cat "$tmp/up1.out"; fail "upgrade 1"; }
[ "$(dpkg-query -W -f='${Version}' dmarcguard)" = "${version}+up1" ] || fail "upgrade 1 not installed"
grep -q "^DryRun yes   # edited by the package test" /etc/dmarcguard.conf || fail "upgrade 1 lost the edit"
[ ! -e /etc/dmarcguard.conf.dpkg-dist ] || fail "upgrade 1 wrote a .dpkg-dist for an unchanged file"

# 5. Upgrade shipping a changed configuration: the edit stays, the new file beside it.
dpkg_retry -i --force-confold "$(repack "${version}+up2" "# changed in up2")" > "$tmp/up2.out" \
	|| { cat "$tmp/up2.out"; fail "upgrade 2"; }
grep -q "^DryRun yes   # edited by the package test" /etc/dmarcguard.conf || fail "upgrade 2 lost the edit"
grep -q "^# changed in up2" /etc/dmarcguard.conf.dpkg-dist 2>/dev/null \
	|| fail "upgrade 2: no /etc/dmarcguard.conf.dpkg-dist with the new file"
/usr/sbin/dmarcguard -n -c /etc/dmarcguard.conf >/dev/null 2>&1 || fail "the kept configuration fails -n"
[ -L /etc/systemd/system/multi-user.target.wants/dmarcguard.service ] || fail "upgrades disabled the unit"
[ -L /etc/systemd/system/timers.target.wants/dmarcguard-reports.timer ] || fail "upgrades disabled the timer"
echo "upgrades: the edited configuration kept"

# 6. Remove: the configuration stays; purge: nothing stays.
dpkg_retry -r dmarcguard > "$tmp/remove.out" || { cat "$tmp/remove.out"; fail "dpkg -r"; }
for f in /usr/sbin/dmarcguard /usr/bin/dmarcguard-alerts /lib/systemd/system/dmarcguard.service \
	 /lib/systemd/system/dmarcguard-reports.timer /usr/share/man/man8/dmarcguard.8.gz; do
	[ ! -e "$f" ] || fail "left after dpkg -r: $f"
done
[ -e /etc/dmarcguard.conf ] || fail "dpkg -r removed the configuration"
dpkg_retry -P dmarcguard > "$tmp/purge.out" || { cat "$tmp/purge.out"; fail "dpkg -P"; }
for f in /etc/dmarcguard.conf /etc/dmarcguard.conf.dpkg-dist /usr/share/doc/dmarcguard \
	 /etc/systemd/system/multi-user.target.wants/dmarcguard.service \
	 /etc/systemd/system/timers.target.wants/dmarcguard-reports.timer; do
	[ ! -e "$f" ] && [ ! -L "$f" ] || fail "left after dpkg -P: $f"
done
if [ "$user_existed" = 0 ] && getent passwd dmarcguard >/dev/null; then fail "dpkg -P left the user"; fi
if dpkg-query -W -f='${Status}' dmarcguard 2>/dev/null | grep -q "installed\|config-files"; then
	fail "the package is still known to dpkg"
fi
pgrep -f '^/usr/sbin/dmarcguard' >/dev/null && fail "an installed dmarcguard is still running"

echo "package test: $failed failed ($((SECONDS - start)) s)"
[ "$failed" = 0 ]
