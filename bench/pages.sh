#!/usr/bin/env bash
# The web face's cost against its actions, on one standalone portal (embedded H2, -Xmx256m):
# GET /dataset (search page: 20 results, 4 facets, rendered) against package_search with the same
# parameters over the API, and GET /dataset/NAME against package_show, over DATASETS datasets
# (default 10000, made through the API first). Cold: the first request of each after the start;
# warm: the median of ROUNDS requests on one keep-alive connection after 50 unmeasured ones.
# Prints each figure and the ratio page/action. Not a test: figures go to docs/bench-pages.md.
#
#   bash bench/pages.sh [DATASETS] [ROUNDS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DATASETS=${1:-10000}
ROUNDS=${2:-300}
bench_init portalkit-pages-bench

DATA=$WORK/data
mkdir -p -m 700 "$DATA"
java -jar "$JAR" user add bench --email bench@example.org --password 'bench bench bench' --sysadmin --data-dir "$DATA" >/dev/null
TOKEN=$(java -jar "$JAR" token create bench --data-dir "$DATA" | tail -n 1)
start_portal pages -Xmx256m -- --data-dir "$DATA"

echo "making $DATASETS datasets..."
python3 - "$URL" "$TOKEN" "$DATASETS" <<'PY'
import http.client, json, sys, urllib.parse
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
host = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
def call(action, data):
    c.request("POST", "/api/3/action/" + action, json.dumps(data), {"Authorization": token, "Content-Type": "application/json"})
    r = c.getresponse(); body = r.read()
    if r.status != 200: raise SystemExit(f"{action}: {r.status} {body[:300]!r}")
for org in range(10):
    call("organization_create", {"name": f"bench-org-{org}", "title": f"Bench organization {org}"})
call("group_create", {"name": "bench-group", "title": "Bench group"})
formats = ["CSV", "JSON", "XLSX", "GeoJSON", "PDF"]
for i in range(n):
    call("package_create", {"name": f"bench-data-{i}", "title": f"Bench dataset {i} about rivers and lakes",
        "notes": "Measurements of water levels, temperatures and flows at stations along the river. " * 3,
        "owner_org": f"bench-org-{i % 10}", "license_id": ["cc-by", "odc-odbl", "cc0"][i % 3],
        "groups": [{"name": "bench-group"}] if i % 4 == 0 else [],
        "resources": [{"name": f"data-{i}.{f.lower()}", "url": f"https://example.org/{i}.{f.lower()}", "format": f}
                      for f in formats[: 1 + i % 3]]})
PY

if python3 - "$URL" "$ROUNDS" "bench-data-$((DATASETS / 2))" <<'PY'
import http.client, statistics, sys, time, urllib.parse, json
url, rounds, one = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host = urllib.parse.urlparse(url)
facets = urllib.parse.quote(json.dumps(["organization", "groups", "res_format", "license_id"]))
pairs = [
    ("search page /dataset", "/dataset?q=rivers",
     "package_search API", f"/api/3/action/package_search?q=rivers&rows=20&start=0&sort=metadata_modified%20desc&include_private=true&facet.field={facets}&facet.limit=10"),
    ("dataset page", "/dataset/" + one,
     "package_show API", "/api/3/action/package_show?id=" + one),
]
def get(c, path):
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse(); r.read()
    if r.status != 200: raise SystemExit(f"{path}: {r.status}")
    return time.perf_counter() - t
print(f"{'what':28} {'cold ms':>8} {'warm median ms':>15} {'warm p95 ms':>12}")
for page_name, page, api_name, api in pairs:
    figures = {}
    for name, path in ((page_name, page), (api_name, api)):
        c = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        cold = get(c, path)
        for _ in range(50): get(c, path)
        warm = sorted(get(c, path) for _ in range(rounds))
        figures[name] = (cold, statistics.median(warm), warm[int(len(warm) * 0.95) - 1])
        print(f"{name:28} {cold*1000:8.1f} {figures[name][1]*1000:15.2f} {figures[name][2]*1000:12.2f}")
    p, a = figures[page_name], figures[api_name]
    print(f"{'  ratio page/action':28} {p[0]/a[0]:8.2f} {p[1]/a[1]:15.2f} {p[2]/a[2]:12.2f}")
PY
then :; else tail -40 "$WORK/pages.err"; exit 1; fi
