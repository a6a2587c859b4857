-- one_message.lua - one message on one connection, its queue id and kind
-- from the environment (MT_QID, MT_KIND = none|reject|pass); used many
-- times at once by concurrency.sh.
dofile(os.getenv("DMARCGUARD_TESTDIR") .. "/common.lua")

local qid, kind = os.getenv("MT_QID"), os.getenv("MT_KIND")
local ip, from, mfrom = "203.0.113.66", "desk@none.example", "<x@attacker.example>"
if kind == "reject" then
	from = "desk@reject.example"
elseif kind == "pass" then
	ip, mfrom = "192.0.2.10", "<bounce@none.example>"
end
local conn = open(ip, "mx.sender.example")
envelope(conn, qid, mfrom)
headers(conn, "Policy Desk <" .. from .. ">")
local r = finish(conn)
if kind == "reject" then
	check(r == SMFIR_REPLYCODE, qid .. ": reject reply, got " .. tostring(r))
elseif kind == "none" then
	want_quarantine(conn, qid)
else
	want_accept(conn, qid)
end
mt.disconnect(conn)
