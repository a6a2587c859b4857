-- binary_header.lua - 8-bit bytes (no NUL) in header values: in an
-- ordinary field they are carried through; in From they make it malformed.
dofile(os.getenv("DMARCGUARD_TESTDIR") .. "/common.lua")

local conn = open("203.0.113.66", "mx.attacker.example")

envelope(conn, "BIN1", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none.example>")
check(mt.header(conn, "X-Binary", "\200\201\254\255 \1\2\3 \27[31m") == nil, "binary header")
local r = finish(conn)
check(r == SMFIR_ACCEPT or r == SMFIR_CONTINUE, "binary field: reply " .. tostring(r))
want_quarantine(conn, "binary field elsewhere")
expect("BIN1", "action=quarantine reason=dmarc-fail-local-floor")

envelope(conn, "BIN2", "<x@attacker.example>")
headers(conn, "Policy Desk <desk@none\200\255.example>")
r = finish(conn)
check(r == SMFIR_REPLYCODE, "binary From must be rejected, got " .. tostring(r))
expect("BIN2", "action=reject reason=malformed-from-control-char")

mt.disconnect(conn)
mt.echo("binary_header: ok")
