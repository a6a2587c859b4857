#!/usr/bin/env python3
"""mta_peer.py - the MTA side of the milter protocol, for the process tests
of tests/milter/ (lifecycle.sh, process.sh): what miltertest cannot do,
such as holding many connections open, timing an answer, offering odd
protocol flags, or signalling the daemon between two commands.

  mta_peer.py SOCKET hold N            open N connections (negotiate and
                                       connect), print "held N refused R"
                                       (R: connect answered 4xx) and keep
                                       them until stdin closes
  mta_peer.py SOCKET session [options] one message; prints
                                       "verdict=V seconds=S" with V one of
                                       accept reject tempfail quarantine
                                       continue closed timeout
      --signal PID:SIG   send SIG to PID after the body, before end of message
      --delay S          then wait S seconds before sending end of message
      --timeout S        give up waiting for an answer after S seconds (60)
      --actions HEX      action flags offered at negotiation (0x1ff)
      --version N        protocol version offered (6)

SOCKET is unix:/path or inet:PORT@HOST as in the daemon's configuration.
Nothing here is a library: the few packets it needs are built inline.
"""
import os
import signal
import socket
import struct
import sys
import time

ALL_STEPS = 0x1FFFFF      # every step flag up to SMFIP_HDR_LEADSPC
NR_CONN = 0x1000
NR_FLAGS = {"C": 0x1000, "H": 0x2000, "M": 0x4000, "R": 0x8000, "L": 0x80, "N": 0x40000,
            "B": 0x80000}
NO_FLAGS = {"C": 0x1, "H": 0x2, "M": 0x4, "R": 0x8, "L": 0x20, "N": 0x40, "B": 0x10}
VERDICTS = {b"a": "accept", b"r": "reject", b"t": "tempfail", b"c": "continue",
            b"d": "discard"}


def connect(spec, timeout):
    if spec.startswith(("unix:", "local:")):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(spec.split(":", 1)[1])
    else:
        port, host = spec.split(":", 1)[1].split("@")
        s = socket.create_connection((host, int(port)), timeout)
    return s


def send(s, cmd, data=b""):
    s.sendall(struct.pack(">I", len(data) + 1) + cmd.encode() + data)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def recv(s):
    (n,) = struct.unpack(">I", recv_exact(s, 4))
    body = recv_exact(s, n)
    return body[:1], body[1:]


class Session:
    def __init__(self, spec, timeout, actions=0x1FF, version=6):
        self.s = connect(spec, timeout)
        send(self.s, "O", struct.pack(">III", version, actions, ALL_STEPS))
        cmd, data = recv(self.s)
        if cmd != b"O" or len(data) < 12:
            raise EOFError
        self.steps = struct.unpack(">III", data[:12])[2]

    def step(self, cmd, data=b""):
        """send one command; its reply letter, or None when none is due"""
        if self.steps & NO_FLAGS.get(cmd, 0):
            return None
        send(self.s, cmd, data)
        if self.steps & NR_FLAGS.get(cmd, 0):
            return None
        return self.reply()

    def reply(self):
        """the next answer's letter; a reply code counts as t (4xx) or r (5xx)"""
        while True:
            cmd, data = recv(self.s)
            if cmd == b"y":
                return b"t" if data[:1] == b"4" else b"r"
            if cmd != b"p":          # progress: keep waiting
                return cmd

    def connect_info(self):
        return self.step("C", b"client.example\x00" + b"4" + struct.pack(">H", 25000)
                         + b"203.0.113.66\x00")


def hold(spec, n):
    held, refused, conns = 0, 0, []
    for _ in range(n):
        try:
            c = Session(spec, 10)
            r = c.connect_info()
            conns.append(c)
            if r == b"t":
                refused += 1
            else:
                held += 1
        except (OSError, EOFError):
            break
    print(f"held {held} refused {refused}", flush=True)
    sys.stdin.read()


def session(spec, args):
    opts = {"--signal": None, "--delay": "0", "--timeout": "60", "--actions": "0x1ff",
            "--version": "6"}
    for i in range(0, len(args), 2):
        opts[args[i]] = args[i + 1]
    t0 = time.monotonic()
    verdict = "closed"
    try:
        c = Session(spec, float(opts["--timeout"]), int(opts["--actions"], 16),
                    int(opts["--version"]))
        r = c.connect_info()
        if r in (b"t", b"r"):
            verdict = VERDICTS[r]
        else:
            c.step("H", b"mx.sender.example\x00")
            send(c.s, "D", b"Mi\x00PEER1\x00")
            c.step("M", b"<x@attacker.example>\x00")
            # as an MTA does: libmilter refuses headers before a recipient
            # once the milter asks for RCPT
            c.step("R", b"<staff@receiver.example>\x00")
            c.step("L", b"From\x00 Desk <desk@none.example>\x00")
            c.step("L", b"Subject\x00 lifecycle\x00")
            c.step("N")
            c.step("B", b"Dear colleague,\r\n")
            if opts["--signal"]:
                pid, sig = opts["--signal"].split(":")
                os.kill(int(pid), getattr(signal, "SIG" + sig))
            time.sleep(float(opts["--delay"]))
            t0 = time.monotonic()
            send(c.s, "E")
            quarantined = False
            while True:
                cmd = c.reply()
                if cmd == b"q":
                    quarantined = True
                elif cmd in (b"h", b"i", b"m"):
                    continue
                else:
                    break
            verdict = VERDICTS.get(cmd, "reply-" + cmd.decode(errors="replace"))
            if quarantined and verdict == "accept":
                verdict = "quarantine"
    except socket.timeout:
        verdict = "timeout"
    except (OSError, EOFError):
        verdict = "closed"
    print(f"verdict={verdict} seconds={time.monotonic() - t0:.1f}", flush=True)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    spec, what = sys.argv[1], sys.argv[2]
    if what == "hold":
        hold(spec, int(sys.argv[3]))
    elif what == "session":
        session(spec, sys.argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
