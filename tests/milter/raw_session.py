#!/usr/bin/env python3
"""raw_session.py - a raw milter-protocol (v6) client for tests/milter.

Speaks the MTA side of the milter protocol byte by byte, so a test can send
packets no real MTA sends. Used by macro_packets.sh; also a library
(import raw_session) for scripts of the same folder.

Usage:
  raw_session.py SOCKET session [--bad-macro HEX] [--count N] [--qid Q]
      N sessions (default 1) of M messages (--messages, default 1), each
      message: MAIL macros (i, {auth_authen} empty), MAIL, one RCPT, a From header,
      end of headers, a body, end of message; prints the final reply of
      each session's last message. --bad-macro HEX sends the given raw
      packets (length, command and data, in hex) and --macro DATA a macro
      packet with that data (stage byte first; Python escapes such as
      \x00 allowed; may be repeated) right before each MAIL command.
      --abort aborts each message right after MAIL.
Exit status 0 when every session got a final reply, 1 otherwise.
"""
import argparse
import codecs
import socket
import struct
import sys

SMFI_VERSION = 6
ALL_ACTIONS = 0x1FF
ALL_STEPS = 0x1FFFFF
# steps whose command gets no reply when negotiated (libmilter's SMFIP_NR_*)
NR_FLAG = {b"C": 0x1000, b"H": 0x2000, b"M": 0x4000, b"R": 0x8000,
           b"T": 0x100000, b"L": 0x80, b"N": 0x40000, b"B": 0x80000,
           b"U": 0x20000}
NO_STEP = {b"C": 0x1, b"H": 0x2, b"M": 0x4, b"R": 0x8, b"B": 0x10,
           b"L": 0x20, b"N": 0x40, b"U": 0x100, b"T": 0x200}
FINAL = set(b"acdrty")	# accept, continue, discard, reject, tempfail, reply code


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


class Session:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.steps = 0

    def close(self):
        self.sock.close()

    def send(self, raw):
        self.sock.sendall(raw)

    def read_packet(self):
        head = self._read(4)
        (n,) = struct.unpack(">I", head)
        body = self._read(n)
        return body[:1], body[1:]

    def _read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise EOFError("milter closed the connection")
            out += chunk
        return out

    def negotiate(self):
        self.send(packet(b"O", struct.pack(">III", SMFI_VERSION, ALL_ACTIONS, ALL_STEPS)))
        cmd, data = self.read_packet()
        if cmd != b"O" or len(data) < 12:
            raise RuntimeError("bad negotiation reply %r" % cmd)
        _, _, self.steps = struct.unpack(">III", data[:12])

    def command(self, cmd, data=b""):
        """send cmd; return its reply (cmd, data), or None for a silent step"""
        if cmd in NO_STEP and self.steps & NO_STEP[cmd]:
            return None
        self.send(packet(cmd, data))
        if cmd in NR_FLAG and self.steps & NR_FLAG[cmd]:
            return None
        return self.read_packet()

    def end_of_message(self):
        """send E; skip modification packets; return the final reply"""
        self.send(packet(b"E"))
        while True:
            cmd, data = self.read_packet()
            if cmd[0] in FINAL:
                return cmd, data

    mail_from = b"<sender@example.org>"
    header_from = b"<sender@example.org>"

    def message(self, qid, before_mail=b"", auth=b"", abort=False):
        """one message; returns the final reply's command and data, or
        with abort, (b"A", b"") after aborting it right after MAIL"""
        self.send(packet(b"D", b"M" + b"i\0" + qid + b"\0{auth_authen}\0" + auth + b"\0"))
        if before_mail:
            self.send(before_mail)
        self.command(b"M", self.mail_from + b"\0")
        if abort:
            self.send(packet(b"A"))
            return b"A", b""
        # as an MTA does unless RCPT was negotiated away (its domain is
        # protected from look-alikes); libmilter refuses a header after MAIL
        self.command(b"R", b"<analyst@receiver.example>\0")
        self.command(b"L", b"From\0 " + self.header_from + b"\0")
        self.command(b"L", b"Subject\0 raw session\0")
        self.command(b"N")
        self.command(b"B", b"Hello.\r\n")
        self.send(packet(b"D", b"E" + b"i\0" + qid + b"\0"))
        return self.end_of_message()


def connect_info(ip):
    return b"client.example\0" + b"4" + struct.pack(">H", 25) + ip + b"\0"


def one_session(path, qid, before_mail=b"", messages=1, abort=False, args=None):
    s = Session(path)
    try:
        if args is not None:
            s.mail_from = args.mail_from.encode()
            s.header_from = args.header_from.encode()
        s.negotiate()
        s.command(b"C", connect_info(args.client_ip.encode() if args else b"192.0.2.1"))
        s.command(b"H", b"client.example\0")
        for i in range(messages):
            reply = s.message(qid, before_mail, abort=abort)
        s.send(packet(b"Q"))
        return reply
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("mode", choices=["session"])
    ap.add_argument("--bad-macro", default="")
    ap.add_argument("--macro", action="append", default=[])
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--qid", default="RAW")
    ap.add_argument("--messages", type=int, default=1, help="messages per session")
    ap.add_argument("--client-ip", default="192.0.2.1")
    ap.add_argument("--mail-from", default="<sender@example.org>")
    ap.add_argument("--header-from", default="<sender@example.org>")
    ap.add_argument("--abort", action="store_true", help="abort each message after MAIL")
    a = ap.parse_args()
    path = a.socket.split(":", 1)[1] if ":" in a.socket else a.socket
    extra = bytes.fromhex(a.bad_macro)
    for m in a.macro:
        extra += packet(b"D", codecs.escape_decode(m.encode())[0])
    failed = 0
    for i in range(a.count):
        qid = ("%s%d" % (a.qid, i)).encode()
        try:
            cmd, data = one_session(path, qid, extra, a.messages, a.abort, a)
            print("%s %s %s" % (qid.decode(), cmd.decode(), data.rstrip(b"\0").decode(errors="replace")))
        except (OSError, EOFError, RuntimeError) as e:
            print("%s no reply: %s" % (qid.decode(), e))
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
