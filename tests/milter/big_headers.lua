-- big_headers.lua - a header block just under 1 MB is evaluated as usual;
-- one over the 1 MiB bound is refused as malformed, without a crash.
dofile(os.getenv("DMARCGUARD_TESTDIR") .. "/common.lua")

local filler = string.rep("x", 1000)

local conn = open("203.0.113.66", "mx.attacker.example")
envelope(conn, "BIG1", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none.example>")
for i = 1, 900 do
	check(mt.header(conn, "X-Filler-" .. i, filler) == nil, "filler header " .. i)
end
local r = finish(conn)
check(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "900 KB block: reply " .. tostring(r))
want_quarantine(conn, "900 KB header block")
expect("BIG1", "action=quarantine reason=dmarc-fail-local-floor")

envelope(conn, "BIG2", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none.example>")
for i = 1, 1100 do
	check(mt.header(conn, "X-Filler-" .. i, filler) == nil, "filler header " .. i)
end
r = finish(conn)
check(r == SMFIR_REPLYCODE, "1.1 MB block must be rejected, got " .. tostring(r))
expect("BIG2", "action=reject reason=malformed-header-too-large")

mt.disconnect(conn)
mt.echo("big_headers: ok")
