#!/usr/bin/env bash
# Ingest benchmark: `cited ingest` of pubmed21n1298.xml.gz next to lxml iterparse extracting the same fields,
# in the same run, on the same file; then the Python and SymPy doc sources. Prints ratios and peak RSS.
# Usage: Benchmarks/ingest-bench.sh [PUBMED_XML_GZ]   (needs `swift build -c release` first)
set -euo pipefail
cd "$(dirname "$0")/.."
PUBMED="${1:-${CITED_HOME:-$HOME/.cache/cited}/corpora/pubmed/pubmed21n1298.xml.gz}"
VENV="${PEERS_VENV:-/tmp/peers}"
CITED=".build/release/cited"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

[ -x "$CITED" ] || { echo "error: build first: swift build -c release" >&2; exit 1; }
[ -f "$PUBMED" ] || { echo "error: missing $PUBMED (see DATA.md)" >&2; exit 1; }
if ! "$VENV/bin/python" -c "import lxml" 2>/dev/null; then
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q lxml
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"

peak() { grep "Maximum resident" "$1" | awk '{print $6}'; }
cpu() { echo "user $(grep 'User time' "$1" | awk '{print $NF}') s, sys $(grep 'System time' "$1" | awk '{print $NF}') s"; }

echo "== parse only (same fields) =="
lxml_json=$(/usr/bin/time -v -o "$WORK/lxml.time" "$VENV/bin/python" Benchmarks/ingest_lxml.py "$PUBMED")
cited_json=$(/usr/bin/time -v -o "$WORK/parse.time" "$CITED" ingest --parse-only --json "$PUBMED")
lxml_rate=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['articles_per_s'])" "$lxml_json")
cited_rate=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['documentsPerSecond'],1))" "$cited_json")
echo "lxml iterparse: $lxml_json (peak $(peak "$WORK/lxml.time") KB, $(cpu "$WORK/lxml.time"))"
echo "cited parse:    $(echo "$cited_json" | tr -d '\n ' ) (peak $(peak "$WORK/parse.time") KB, $(cpu "$WORK/parse.time"))"
echo "parse ratio cited/lxml: $(python3 -c "print(round($cited_rate/$lxml_rate, 2))")x  (target >= 1.0)"

echo "== full ingest --no-embed (SQLite + FTS5) =="
/usr/bin/time -v -o "$WORK/ingest.time" "$CITED" ingest --no-embed --json --index "$WORK/index" "$PUBMED" > "$WORK/ingest.json"
wall=$(grep "Elapsed (wall clock)" "$WORK/ingest.time" | awk '{print $NF}')
echo "cited ingest: wall $wall, $(cpu "$WORK/ingest.time"), peak $(peak "$WORK/ingest.time") KB (targets: <= 10 s, <= 200000 KB)"
python3 -c "import json; d=json.load(open('$WORK/ingest.json')); print('files', d['files'], 'documents', d['documents'], 'passages', d['passages'])"
/usr/bin/time -v -o "$WORK/again.time" "$CITED" ingest --no-embed --json --index "$WORK/index" "$PUBMED" > "$WORK/again.json"
echo "re-ingest unchanged: wall $(grep 'Elapsed (wall clock)' "$WORK/again.time" | awk '{print $NF}'), $(python3 -c "import json; d=json.load(open('$WORK/again.json')); print(d['files'], 'passages written', d['passages'])")"
ls -la "$WORK/index/"

for docs in /usr/share/doc/python3.11/html/_sources /usr/share/doc/python-sympy-doc/html/_sources; do
    [ -d "$docs" ] || continue
    echo "== docs: $docs =="
    /usr/bin/time -v -o "$WORK/docs.time" "$CITED" ingest --no-embed --json --index "$WORK/docs-index" "$docs" \
        > "$WORK/docs.json" 2> "$WORK/docs.err" || true
    echo "wall $(grep 'Elapsed (wall clock)' "$WORK/docs.time" | awk '{print $NF}'), peak $(peak "$WORK/docs.time") KB"
    python3 -c "import json; d=json.load(open('$WORK/docs.json')); print('files', d['files'], 'documents', d['documents'], 'passages', d['passages'], 'errors', len(d['errors']))"
    head -5 "$WORK/docs.err"
done
"$CITED" index status --index "$WORK/docs-index"
