-- multi_message.lua - several messages on one connection, each judged on
-- its own envelope and From: quarantine, accept, reject, accept.
dofile(os.getenv("DMARCGUARD_TESTDIR") .. "/common.lua")

local conn = open("203.0.113.66", "mx.attacker.example")

envelope(conn, "MULTI1", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none.example>")
local r = finish(conn)
check(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "message 1 reply " .. tostring(r))
want_quarantine(conn, "message 1 (spoof of p=none)")
expect("MULTI1", "action=quarantine reason=dmarc-fail-local-floor override=yes")

-- SPF passes for none.example from 192.0.2.10, but this connection is from
-- 203.0.113.66: the second message uses a From whose SPF the envelope passes.
envelope(conn, "MULTI2", "<>")
headers(conn, "Policy Desk <desk@nodmarc.example>")
r = finish(conn)
check(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "message 2 reply " .. tostring(r))
want_accept(conn, "message 2 (no DMARC record)")
expect("MULTI2", "action=accept reason=no-policy")

envelope(conn, "MULTI3", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@reject.example>")
r = finish(conn)
check(r == SMFIR_REPLYCODE, "message 3 (spoof of p=reject) must be rejected, got " .. tostring(r))
expect("MULTI3", "action=reject reason=published-reject")

envelope(conn, "MULTI4", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@quarantine.example>")
r = finish(conn)
want_quarantine(conn, "message 4 (spoof of p=quarantine)")
expect("MULTI4", "action=quarantine reason=published-quarantine override=no")

mt.disconnect(conn)
mt.echo("multi_message: ok")
