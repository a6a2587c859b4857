#!/usr/bin/env python3
"""convert.py - restate an SPF conformance suite (the openspf YAML format)
as our own tables for tests/spf_suite/run.c.

Usage: convert.py SUITE.yml OUTDIR

The YAML file itself is not kept in the repository; what this writes is
the facts it states, in our form:

  OUTDIR/tests.tsv     one line per test: scenario, name, helo, host,
                       mailfrom, accepted results (space-separated).
                       Fields use backslash escapes: \\\\ \\t \\n \\r \\xHH.
  OUTDIR/NN/zones.list the scenario's description as a comment, then one
                       line per nsd zone of scenario NN: "name file", or
                       "name" alone for a zone nsd answers with SERVFAIL
  OUTDIR/NN/*.zone     the zone files

How the suite's DNS model becomes zones (one nsd per scenario):
- every record lives in the root zone ".", so any name can be served;
- an SPF (type 99) record is copied to TXT when its name has no TXT entry
  (the suite relies on drivers doing this); "TXT: NONE" stops the copy;
- a name marked TIMEOUT that has no record of a type we query (A, AAAA,
  MX, PTR, TXT, CNAME) becomes a zone without data, which nsd answers
  with SERVFAIL (a temporary error, as a timeout is); names below it get
  zones of their own so they stay answerable. A TIMEOUT name that has
  records is served as it is: its other types answer NODATA rather than
  time out, which no test of the suites depends on;
- a TXT entry with no character-strings cannot be put on the wire and is
  left out (the suite only says an implementation must not crash on it).
"""
import os
import re
import sys

import yaml

QUERIED = ('A', 'AAAA', 'MX', 'PTR', 'TXT', 'CNAME')


def esc_field(s):
    """escape one TSV field"""
    out = []
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c == '\\':
            out.append('\\\\')
        elif c == '\t':
            out.append('\\t')
        elif c == '\n':
            out.append('\\n')
        elif c == '\r':
            out.append('\\r')
        elif 0x20 <= ch < 0x7f:
            out.append(c)
        else:
            out.append('\\x%02x' % ch)
    return ''.join(out)


def zone_name(name):
    """a domain name in zone file form, absolute"""
    name = name.rstrip('.')
    labels = []
    for label in name.split('.'):
        out = []
        for ch in label.encode('utf-8'):
            c = chr(ch)
            if c.isalnum() or c in '-_*':
                out.append(c)
            else:
                out.append('\\%03d' % ch)
        labels.append(''.join(out))
    return '.'.join(labels) + '.'


def valid_name(name):
    name = name.rstrip('.')
    if not name or len(name.encode('utf-8')) > 253:
        return False
    return all(0 < len(l.encode('utf-8')) <= 63 for l in name.split('.'))


def txt_rdata(strings):
    """TXT character-strings, each under 256 bytes, quoted with \\DDD"""
    parts = []
    for s in strings:
        data = s.encode('utf-8') if isinstance(s, str) else bytes(s)
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b'']
        for chunk in chunks:
            out = []
            for ch in chunk:
                if ch in (0x22, 0x5c) or ch < 0x20 or ch > 0x7e:
                    out.append('\\%03d' % ch)
                else:
                    out.append(chr(ch))
            parts.append('"%s"' % ''.join(out))
    return ' '.join(parts)


def records_of(name, entries):
    """(type, value) pairs the name serves, and whether it is a timeout"""
    recs, spf, has_txt, timeout = [], [], False, False
    for e in entries:
        if e == 'TIMEOUT':
            timeout = True
            continue
        for t, v in e.items():
            if t in ('TXT', 'SPF') and isinstance(v, str):
                v = [v]
            if t == 'TXT':
                has_txt = True
                if v == ['NONE']:
                    continue
            if t == 'SPF':
                spf.append(v)
                continue
            if v == 'TIMEOUT':
                timeout = True
                continue
            recs.append((t, v))
    if not has_txt:
        recs.extend(('TXT', v) for v in spf)
    return recs, timeout


def rr_line(owner, t, v):
    if t == 'TXT':
        if len(v) == 0:
            return None
        return '%s 300 IN TXT %s' % (owner, txt_rdata(v))
    if t == 'MX':
        return '%s 300 IN MX %d %s' % (owner, int(v[0]), zone_name(v[1]))
    if t in ('PTR', 'CNAME'):
        return '%s 300 IN %s %s' % (owner, t, zone_name(v))
    if t in ('A', 'AAAA'):
        return '%s 300 IN %s %s' % (owner, t, v)
    raise ValueError('unknown type %s' % t)


SOA = '%s 300 IN SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 300'


def write_scenario(dirpath, zonedata, description):
    os.makedirs(dirpath, exist_ok=True)
    names = {}
    for name, entries in zonedata.items():
        key = name.lower().rstrip('.')
        names.setdefault(key, []).extend(entries)
    servfail = set()
    served = {}
    for name, entries in names.items():
        if not valid_name(name):
            continue
        recs, timeout = records_of(name, entries)
        if timeout and not any(t in QUERIED for t, _ in recs):
            servfail.add(name)
        else:
            served[name] = recs

    def below_servfail(name):
        return any(name.endswith('.' + s) for s in servfail)

    zones = {'.': []}
    for name in sorted(served):
        if below_servfail(name):
            zones[name] = []
    for name, recs in served.items():
        apex = '.' if name not in zones else name
        for t, v in recs:
            line = rr_line(zone_name(name), t, v)
            if line is not None:
                zones[apex].append(line)
    listing = []
    for i, (apex, lines) in enumerate(sorted(zones.items())):
        fname = 'z%02d.zone' % i
        owner = '.' if apex == '.' else zone_name(apex)
        with open(os.path.join(dirpath, fname), 'w') as f:
            f.write('$TTL 300\n' + SOA % owner + '\n')
            for line in lines:
                f.write(line + '\n')
        listing.append('%s %s' % (owner, fname))
    for name in sorted(servfail):
        listing.append(zone_name(name))
    with open(os.path.join(dirpath, 'zones.list'), 'w') as f:
        f.write('# %s\n' % ' '.join(description.split()))
        f.write('\n'.join(listing) + '\n')


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: convert.py SUITE.yml OUTDIR')
    src, out = sys.argv[1], sys.argv[2]
    with open(src, 'rb') as f:
        docs = list(yaml.safe_load_all(f))
    os.makedirs(out, exist_ok=True)
    rows = []
    for n, doc in enumerate(docs, 1):
        sid = '%02d' % n
        write_scenario(os.path.join(out, sid), doc.get('zonedata') or {},
                       doc.get('description', ''))
        for name, t in doc['tests'].items():
            result = t['result']
            results = result if isinstance(result, list) else [result]
            rows.append('\t'.join([sid, esc_field(name), esc_field(str(t.get('helo', ''))),
                                   esc_field(str(t['host'])),
                                   esc_field(str(t.get('mailfrom', ''))),
                                   ' '.join(results)]))
    with open(os.path.join(out, 'tests.tsv'), 'w') as f:
        f.write('# scenario\tname\thelo\thost\tmailfrom\taccepted results\n')
        f.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()
