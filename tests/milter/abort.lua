-- abort.lua - a message aborted in the middle of its headers and another
-- aborted in its body leave nothing behind: the next message on the same
-- connection gets its own verdict.
dofile(os.getenv("DMARCGUARD_TESTDIR") .. "/common.lua")

local conn = open("203.0.113.66", "mx.attacker.example")

envelope(conn, "ABORT1", "<x@attacker.example>")
check(mt.header(conn, "From", "Policy Desk <desk@reject.example>") == nil, "header")
check(mt.abort(conn) == nil, "abort in headers")

envelope(conn, "ABORT2", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@reject.example>")
check(mt.eoh(conn) == nil, "eoh")
check(mt.bodystring(conn, "half a body") == nil, "body")
check(mt.abort(conn) == nil, "abort in body")

envelope(conn, "ABORT3", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none.example>")
local r = finish(conn)
check(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "after aborts: reply " .. tostring(r))
want_quarantine(conn, "after aborts")
expect("ABORT3", "from=none.example action=quarantine")

mt.disconnect(conn)
mt.echo("abort: ok")
