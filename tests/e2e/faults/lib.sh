# shellcheck shell=bash
# lib.sh - sourced by tests/e2e/faults.sh and scripts/soak.sh: what the
# fault and soak runs add to the common set-up of tests/e2e/lib/ (the
# private Postfix with the daemon as its milter and smtp-sink as the next
# hop): nsd serving tests/zones (plus the zones beside this file) on a
# port of our choosing, so that it can be stopped and started again on the
# same port; message templates; the load client; and the accounting of
# every message by Message-ID.
#
# The caller sets FL_NAME (prefix of every note), DMARCGUARD (the daemon),
# FL_TESTS (the tests/ directory) and, if /run will not do, E2E_BASE (where
# the work directory goes), then calls fl_init TIME_LIMIT, fl_nsd_start,
# dg_conf/dg_start (lib/daemon.sh), sink_start and fl_postfix_start. Every
# wait has a deadline; the EXIT trap (lib/run.sh) stops everything started
# here and removes the work directory unless DMARCGUARD_KEEP_TEST_DIRS is
# set.

FL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NSD_PID= NSD_PORT= CLIENT_PID= FL_CLIENT_AT_EXIT=
E2E_NAME=$FL_NAME
# shellcheck source=../lib/run.sh
. "$FL_DIR/../lib/run.sh"
# shellcheck source=../lib/daemon.sh
. "$FL_DIR/../lib/daemon.sh"
# shellcheck source=../lib/fixtures.sh
. "$FL_DIR/../lib/fixtures.sh"
# shellcheck source=../lib/postfix_instance.sh
. "$FL_DIR/../lib/postfix_instance.sh"

# now_ms - wall clock in milliseconds (the client logs the same clock)
now_ms() { date +%s%3N; }

# dns_answers PORT - a DNS server on 127.0.0.1@PORT answers a query for none.example SOA
dns_answers() {
	dig +time=1 +tries=1 +norecurse @127.0.0.1 -p "$1" none.example SOA 2>/dev/null |
		grep -q 'status: NOERROR'
}

# fl_init TIME_LIMIT - work directory, watchdog and the EXIT trap
fl_init() {
	e2e_need_root "Postfix and its queue need it"
	pf_need
	e2e_need_commands nsd dig perl openssl timeout
	[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
	[ -d "$FL_TESTS/zones" ] || die "no zones under $FL_TESTS"
	e2e_init "dmarcguard-$FL_NAME" "$1"
	mkdir -p "$WORK/nsd"
	e2e_at_exit 'stop_pid "$NSD_PID" 10'
	e2e_show_log nsd.log proxy.log
}

# ---- nsd on a fixed port: the zones of tests/zones and of this directory
# fl_nsd_start [PORT] - start nsd (a new port the first time, then the
# same one unless PORT is given); sets NSD_PID, NSD_PORT
fl_nsd_start() {
	local conf=$WORK/nsd/nsd.conf z name
	NSD_PORT=${1:-${NSD_PORT:-$(free_port)}}
	[ -n "$NSD_PORT" ] || die "no free port for nsd"
	{
		printf 'server:\n'
		printf '\tip-address: 127.0.0.1@%s\n' "$NSD_PORT"
		printf '\tdo-ip6: no\n\tserver-count: 1\n\tusername: ""\n\tchroot: ""\n'
		printf '\tdatabase: ""\n\tzonelistfile: "%s/zone.list"\n' "$WORK/nsd"
		printf '\txfrdfile: "%s/xfrd.state"\n\tpidfile: "%s/nsd.pid"\n' "$WORK/nsd" "$WORK/nsd"
		printf '\tlogfile: "%s/log/nsd.log"\n\tverbosity: 1\n' "$WORK"
		printf '\thide-version: yes\n\trrl-ratelimit: 0\n'
		for z in "$FL_TESTS"/zones/*.zone "$FL_DIR"/*.zone; do
			[ -f "$z" ] || continue
			name=$(basename "$z" .zone)
			printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "$name" "$z"
		done
		# zones without data: nsd answers SERVFAIL for them
		sed 's/[ \t#].*//' "$FL_TESTS/zones/servfail-zones.txt" | grep . |
			while read -r name; do printf 'zone:\n\tname: "%s"\n' "$name"; done
	} >"$conf"
	nsd -d -c "$conf" >>"$WORK/log/nsd.log" 2>&1 </dev/null &
	NSD_PID=$!
	nsd_ready() {
		alive "$NSD_PID" || die "nsd exited at start: $(tail -n 5 "$WORK/log/nsd.log")"
		dns_answers "$NSD_PORT"
	}
	wait_for 30 "nsd to answer on port $NSD_PORT" nsd_ready || die "nsd did not start"
}

# fl_nsd_stop - stop nsd (SIGTERM) and wait until nothing answers on its port
fl_nsd_stop() {
	stop_pid "$NSD_PID" 10
	NSD_PID=
	wait_for 10 "port $NSD_PORT to stop answering" eval '! dns_answers "$NSD_PORT"' ||
		die "something still answers DNS on port $NSD_PORT"
}

# ---- the private Postfix (lib/postfix_instance.sh) as the load runs want it
# fl_postfix_start - on a free port, relaying to smtp-sink, no tarpit for
# clients that send many rejected messages a session, long queue ids
fl_postfix_start() {
	local port
	port=$(free_port) || die "no free port"
	pf_start "$port" "[127.0.0.1]:$SINK_PORT" "unix:$DG_SOCKET" \
		'# Load clients send many rejected messages per session: no tarpit, no cut-off.' \
		'smtpd_soft_error_limit = 100000' 'smtpd_hard_error_limit = 100000' \
		'smtpd_error_sleep_time = 0' \
		'# Queue ids are never reused: the accounting maps them to Message-IDs.' \
		'enable_long_queue_ids = yes'
}

# fl_sink_start - smtp-sink on a free port of 127.0.0.1
fl_sink_start() {
	local port
	port=$(free_port) || die "no free port"
	sink_start 127.0.0.1 "$port"
}

# ---- the message accounting
# outcomes FILE [LOG...] - one "MESSAGE-ID OUTCOME" line per message that
# Postfix or the client finished with: "delivered" (each copy smtp-sink
# stored), "held" (each message of the hold queue in "postqueue -j",
# matched to its Message-ID through cleanup's "message-id=" log line; the
# queue ids are long ones, never reused), and from the client logs LOG...
# "rejected" (550 at the end of data) or "refused-STAGE-CODE" (any other
# 5xx). A Message-ID listed twice is a duplicate.
outcomes() {
	local out=$1
	shift
	{
		# (grep finds nothing when nothing was delivered or held yet)
		{ find "$WORK/sink" -type f -exec grep -ahoi -m1 '^Message-ID: *<[^>]*>' {} + || true; } |
			sed 's/^[^<]*<\([^>]*\)>.*/\1 delivered/'
		{ pf_queue_json | grep '"queue_name": "hold"' || true; } |
			sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p' | LC_ALL=C sort -u >"$WORK/held.qids"
		sed -n 's/.* \([0-9A-Za-z]*\): message-id=<\([^>]*\)>.*/\1 \2/p' "$PF_LOG" |
			LC_ALL=C sort -u -k1,1 | LC_ALL=C join - "$WORK/held.qids" | awk '{ print $2, "held" }'
		if [ "$#" -gt 0 ]; then cat "$@"; fi | awk -F'\t' '
			$6 == "550" && $5 == "dot" { print $1, "rejected"; next }
			$6 ~ /^5/ { print $1, "refused-" $5 "-" $6 }'
	} >"$out"
}

# ---- messages
# fl_make_templates DIR - a template (DIR/NAME.tmpl, Message-ID "<@@ID@@>")
# for each message of tests/messages/policy that can have one: the unsigned
# ones as they are, and those with one rsa-sha256 signature without l=
# signed again the same way (same d=, s= and key) but without Message-ID
# in h=, so each copy can carry a Message-ID of its own. The body of
# signed-none-body-tampered is changed after signing, as in the corpus.
fl_make_templates() {
	local out=$1 f name sig d s h
	mkdir -p "$out"
	for f in "$FL_TESTS"/messages/policy/*.eml; do
		name=$(basename "$f" .eml)
		case $name in
		unsigned-*)
			sed 's/^Message-ID: .*/Message-ID: <@@ID@@>/' "$f" >"$out/$name.tmpl"
			continue ;;
		esac
		[ "$(grep -c '^DKIM-Signature:' "$f")" = 1 ] || continue
		sig=$(grep '^DKIM-Signature:' "$f")
		case $sig in *' a=rsa-sha256;'*) ;; *) continue ;; esac
		case $sig in *' l='*) continue ;; esac
		d=$(printf '%s\n' "$sig" | sed -n 's/.* d=\([^;]*\);.*/\1/p')
		s=$(printf '%s\n' "$sig" | sed -n 's/.* s=\([^;]*\);.*/\1/p')
		h=$(printf '%s\n' "$sig" | sed -n 's/.* h=\([^;]*\);.*/\1/p' |
			tr ':' '\n' | grep -vix 'message-id' | paste -sd: -)
		grep -v '^DKIM-Signature:' "$f" | sed 's/^Message-ID: .*/Message-ID: <@@ID@@>/' |
			perl "$FL_DIR/dkim_sign.pl" "$FL_TESTS/keys/rsa2048.pem" "$s" "$d" "$h" \
			>"$out/$name.tmpl" || die "cannot sign a template for $name"
		case $name in
		*body-tampered)
			sed -i '/^$/,$ s/briefing notes below/briefing notes below, and a link/' "$out/$name.tmpl" ;;
		esac
	done
}

# fl_check_mix MIX TEMPLATE-DIR NAMESERVER - every kind of MIX gets the
# expected verdict from "dmarcguard --test" (the daemon's own code path,
# no MTA): a mistake in the mix shows here, not as a lost message later
fl_check_mix() {
	local mix=$1 dir=$2 ns=$3 w t ip helo from want got conf=$WORK/offline.conf
	printf 'Nameservers %s\nSyslog no\nAuthservID mx.e2e.example\nDNSTimeout 2s\n' "$ns" >"$conf"
	while read -r w t ip helo from want; do
		case $w in '' | \#*) continue ;; esac
		[ "$from" = '<>' ] && from=
		got=$("$DMARCGUARD" -c "$conf" --test "$dir/$t.tmpl" --client-ip "$ip" --helo "$helo" \
			--mail-from "$from" 2>&1 | sed -n 's/.* action=\([a-z]*\) .*/\1/p')
		case $got in accept) got=delivered ;; quarantine) got=held ;; reject) got=rejected ;; esac
		[ "$got" = "$want" ] || die "$t from $ip: dmarcguard --test says ${got:-nothing}, the mix wants $want"
	done <"$mix"
}

# ---- the client
# fl_client NAME JOBS [OPTION...] - smtp_client.pl in the background,
# logging to $WORK/client/NAME.log.W; sets CLIENT_PID
fl_client() {
	local name=$1 jobs=$2
	shift 2
	mkdir -p "$WORK/client"
	rm -f "$WORK/client/$name.log".*
	if [ -z "$FL_CLIENT_AT_EXIT" ]; then
		FL_CLIENT_AT_EXIT=1
		e2e_at_exit 'stop_pid "$CLIENT_PID" 10'
	fi
	perl "$FL_DIR/smtp_client.pl" --server "127.0.0.1:$SMTP_PORT" --jobs "$jobs" \
		--log "$WORK/client/$name.log" "$@" 2>>"$WORK/log/client.err" &
	CLIENT_PID=$!
}

# fl_client_done NAME - attempts the client NAME has finished so far
fl_client_done() { cat "$WORK/client/$1.log".* 2>/dev/null | wc -l; }

# fl_client_wait NAME SECONDS - wait for the client, merge its logs into
# $WORK/client/NAME.log; 1 if it failed or ran out of time
fl_client_wait() {
	local name=$1 rc=0
	if ! wait_for "$2" "the client $name to finish" eval '! alive "$CLIENT_PID"'; then
		kill -TERM "$CLIENT_PID" 2>/dev/null || true
		rc=1
	fi
	wait "$CLIENT_PID" || rc=1
	cat "$WORK/client/$name.log".* 2>/dev/null | sort -t"$(printf '\t')" -k3,3n >"$WORK/client/$name.log"
	rm -f "$WORK/client/$name.log".*
	return "$rc"
}

# fl_account EXPECT OUT LOG... - compare the outcome of each message of
# EXPECT ("MESSAGE-ID OUTCOME KIND" lines) with what happened (outcomes,
# the client logs LOG...). Writes to OUT one line per problem: "lost ID
# KIND", "duplicated ID OUTCOMES", "wrong ID WANT GOT"; sets LOST,
# DUPLICATED, WRONG (counts) and the counts per outcome N_DELIVERED,
# N_HELD, N_REJECTED.
fl_account() {
	local expect=$1 out=$2
	shift 2
	[ -s "$expect" ] || die "fl_account: no expected outcomes in $expect"
	outcomes "$WORK/outcomes" "$@"
	LC_ALL=C awk 'FNR == NR { want[$1] = $2; kind[$1] = $3; next }
		($1 in want) { n[$1]++; got[$1] = got[$1] (got[$1] == "" ? "" : ",") $2 }
		END {
			for (id in want) {
				if (!(id in n)) print "lost", id, kind[id]
				else if (n[id] > 1) print "duplicated", id, got[id]
				else if (got[id] != want[id]) print "wrong", id, want[id], got[id]
			}
		}' "$expect" "$WORK/outcomes" | sort >"$out"
	LOST=$(grep -c '^lost ' "$out" || true)
	DUPLICATED=$(grep -c '^duplicated ' "$out" || true)
	WRONG=$(grep -c '^wrong ' "$out" || true)
	N_DELIVERED=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "delivered"' \
		"$expect" "$WORK/outcomes" | wc -l)
	N_HELD=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "held"' \
		"$expect" "$WORK/outcomes" | wc -l)
	N_REJECTED=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "rejected"' \
		"$expect" "$WORK/outcomes" | wc -l)
}
