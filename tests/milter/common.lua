-- common.lua - helpers shared by the miltertest scripts of tests/milter/.
-- The socket comes from DMARCGUARD_SOCKET (set by run.sh).

sock = os.getenv("DMARCGUARD_SOCKET")
if sock == nil then error("DMARCGUARD_SOCKET is not set") end

function check(cond, what)
	if not cond then error("FAILED: " .. what) end
end

-- open - connect and send connection info for a client address
function open(ip, helo)
	local conn = mt.connect(sock, 40, 0.25)
	check(conn ~= nil, "mt.connect(" .. sock .. ")")
	check(mt.conninfo(conn, "client.example", ip) == nil, "conninfo")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "conninfo reply")
	check(mt.helo(conn, helo) == nil, "helo")
	return conn
end

-- envelope - MAIL FROM and one RCPT, with a queue id
function envelope(conn, qid, from)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	check(mt.mailfrom(conn, from) == nil, "mailfrom")
	-- no RCPT: the recipient domains (protected from look-alikes) stay unknown
end

-- headers - the usual header block of the corpus, From given
function headers(conn, from)
	check(mt.header(conn, "From", from) == nil, "header From")
	check(mt.header(conn, "To", "analyst@receiver.example") == nil, "header To")
	check(mt.header(conn, "Subject", "Quarterly policy briefing") == nil, "header Subject")
	check(mt.header(conn, "Message-ID", "<mt@corpus.example>") == nil, "header Message-ID")
end

-- finish - end of headers, a body, end of message; returns the reply
function finish(conn)
	check(mt.eoh(conn) == nil, "eoh")
	check(mt.bodystring(conn, "Dear colleague,\r\n\r\nthe notes.\r\n") == nil, "body")
	check(mt.eom(conn) == nil, "eom")
	return mt.getreply(conn)
end

-- want_quarantine / want_accept / want_reply - verdict checks at end of message
function want_quarantine(conn, what)
	check(mt.eom_check(conn, MT_QUARANTINE), what .. ": quarantined")
	check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"), what .. ": A-R inserted")
end

function want_accept(conn, what)
	check(not mt.eom_check(conn, MT_QUARANTINE), what .. ": not quarantined")
	check(mt.eom_check(conn, MT_HDRINSERT, "Authentication-Results"), what .. ": A-R inserted")
end

-- expect - the daemon's alert line for qid must hold these key=value
-- fields; run.sh checks the EXPECT lines against the daemon log (the reply
-- text of a 550 or 451 is not visible to miltertest scripts).
function expect(qid, fields)
	mt.echo("EXPECT " .. qid .. " " .. fields)
end
