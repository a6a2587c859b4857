#!/usr/bin/env bash
# run.sh - the monitoring files of conf/ against the daemon's metrics:
#  - conf/dmarcguard-alerts.rules.yml passes `promtool check rules`, and
#    `promtool test rules` (alerts_test.yml) shows each alert firing on the
#    series that should fire it, and only there;
#  - conf/dmarcguard-grafana.json is valid JSON, every panel has queries,
#    every query parses as PromQL (promtool checks them as recording rules)
#    and names only metrics the daemon exports (milter/metrics.c);
#  - docs/metrics.md documents every metric milter/metrics.c exports.
# Usage: run.sh SOURCE_DIR
set -euo pipefail
src=$1
command -v promtool >/dev/null || { echo "run.sh needs promtool (Debian prometheus; scripts/install-deps.sh --test)"; exit 1; }
tmp=$(mktemp -d /tmp/dmarcguard-prom-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$src/conf/dmarcguard-alerts.rules.yml"
(cd "$src/tests/prometheus" && promtool test rules alerts_test.yml)

python3 - "$src" "$tmp/dashboard.rules.yml" <<'PY'
import json, re, sys
src, out = sys.argv[1], sys.argv[2]
dash = json.load(open(src + "/conf/dmarcguard-grafana.json"))
code = open(src + "/milter/metrics.c").read()
known = set(re.findall(r'"(dmarcguard_[a-z_]+)"', code))
for name in list(known):
    if name.endswith("_seconds"):
        known |= {name + "_bucket", name + "_sum", name + "_count"}
assert len(known) >= 15, "metric names not found in milter/metrics.c"
doc = open(src + "/docs/metrics.md").read()
undocumented = sorted(n for n in set(re.findall(r'"(dmarcguard_[a-z_]+)"', code))
                      if "`%s`" % n not in doc)
if undocumented:
    print("docs/metrics.md does not document: " + ", ".join(undocumented))
    sys.exit(1)
exprs, bad = [], []
for p in dash["panels"]:
    targets = p.get("targets") or []
    if not targets:
        bad.append("panel %r has no query" % p.get("title"))
    for t in targets:
        e = t["expr"]
        for m in re.findall(r'\b(dmarcguard_[a-z_]+)', e):
            if m not in known:
                bad.append("panel %r: unknown metric %s" % (p["title"], m))
        exprs.append(e.replace("$__rate_interval", "5m").replace("$instance", ".*"))
ids = [p["id"] for p in dash["panels"]]
if len(ids) != len(set(ids)):
    bad.append("panel ids repeat")
if bad:
    print("\n".join(bad))
    sys.exit(1)
with open(out, "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        f.write("      - record: dashboard:query%d\n        expr: %s\n" % (i, json.dumps(e)))
print("dashboard: %d panels, %d queries, metric names known" % (len(dash["panels"]), len(exprs)))
PY
promtool check rules "$tmp/dashboard.rules.yml" > "$tmp/check.out" 2>&1 \
	|| { echo "a dashboard query does not parse:"; cat "$tmp/check.out"; exit 1; }
echo "monitoring files: passed"
