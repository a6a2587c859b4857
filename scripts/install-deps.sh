#!/usr/bin/env bash
# install-deps.sh - install the Debian 12 packages dmarcguard builds, runs and
# tests with. Idempotent: installs only what is missing, runs apt-get update
# first when anything is. Must run as root (or with sudo on PATH).
set -euo pipefail

# Build and runtime libraries.
build_packages=(
  build-essential cmake pkg-config
  libmilter-dev libopendmarc-dev libopendkim-dev libspf2-dev libssl-dev
  libunbound-dev libevent-dev nettle-dev libpsl-dev libidn2-dev libicu-dev publicsuffix dns-root-data
  zlib1g-dev libsqlite3-dev libpq-dev libmicrohttpd-dev
)
# What the test suite needs: Check, a real authoritative DNS server and dig,
# Postfix with swaks and Sendmail's runtime libraries (Sendmail itself is
# unpacked privately by its test) for the end-to-end tests, network
# namespaces, miltertest for protocol edge cases, systemd-analyze for the
# unit file, rsyslog for the alert tool's end-to-end test, dmarc-cat and
# Mail::DMARC as independent readers of our aggregate reports, xmllint,
# Mail::DKIM for the ARC oracle (tests/arc/make-chains.pl, arc_oracle);
# prometheus (promtool and a real server), curl and python3 for the metrics
# endpoint's test; postgresql for the report store's PostgreSQL tests (a
# private cluster each).
test_packages=(check nsd dnsutils postfix swaks miltertest systemd rsyslog
  m4 libwrap0 liblockfile1 iproute2 perl time dmarc-cat libmail-dmarc-perl libdbd-sqlite3-perl libxml2-utils
  libmail-dkim-perl prometheus curl python3 lintian postgresql)

want=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_packages[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "install-deps: installing ${missing[*]}"
  # Postfix must install without asking, and without configuring a system
  # instance: the tests run private instances of their own.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Debian's nsd package starts a system instance on port 53 where an init
# system runs; the tests start their own on a free loopback port and need
# nothing from it.

# Likewise Debian's prometheus package starts a system server on port 9090
# where systemd runs; the metrics test starts its own on a free loopback
# port. Stop the system one so it does not scrape and store for nothing.
if [ "${1:-}" = "--test" ] && [ -d /run/systemd/system ] \
	&& systemctl is-active --quiet prometheus 2>/dev/null; then
  ${SUDO:-} systemctl disable --now prometheus || true
fi
