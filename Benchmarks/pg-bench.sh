#!/usr/bin/env bash
# PostgreSQL + pgvector benchmarks (issue 17), side by side in one run, on a throw-away server
# (scripts/pg-test-server.sh):
#   1. the dev retrieval questions on an SQLite index and on its PostgreSQL copy (`cited index export`);
#   2. HNSW recall@10 against an exact scan, and query latency at 1 and 16 clients, on synthetic 384-d vectors;
#   3. ingest throughput into PostgreSQL with 1, 2 and 4 workers (`--shard i/n`, `--no-embed`), SQLite alongside.
# Usage: Benchmarks/pg-bench.sh [DEV_INDEX_DIR]
#   DEV_INDEX_DIR: an SQLite index of the dev corpus (Corpora/eval/README.md) with vectors; part 1 is skipped without it.
#   VECTORS (default 1000000), CITED (default .build/release/cited), PUBMED (default the cached pubmed21n1298.xml.gz).
set -euo pipefail
cd "$(dirname "$0")/.."
CITED="${CITED:-.build/release/cited}"
VECTORS="${VECTORS:-1000000}"
PUBMED="${PUBMED:-${CITED_HOME:-$HOME/.cache/cited}/corpora/pubmed/pubmed21n1298.xml.gz}"
DEV_INDEX="${1:-}"
[ -x "$CITED" ] || { echo "error: build first (looked for $CITED)" >&2; exit 1; }
CITED="$(cd "$(dirname "$CITED")" && pwd)/$(basename "$CITED")"
work=$(mktemp -d /tmp/cited-pg-bench.XXXXXX)
chmod 755 "$work"  # the server runs as an unprivileged user, who must reach its folder inside
server="$work/server"
trap 'scripts/pg-test-server.sh stop "$server" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
url=$(scripts/pg-test-server.sh start "$server")
base=${url%/postgres}
psql="$(scripts/pg-test-server.sh bin)/psql"
createdb() { "$psql" "$url" -qc "CREATE DATABASE $1"; echo "$base/$1"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); server: $("$psql" "$url" -tAc 'SELECT version()' | cut -d, -f1), pgvector $("$psql" "$url" -tAc "CREATE EXTENSION IF NOT EXISTS vector; SELECT extversion FROM pg_extension WHERE extname = 'vector'" | tail -1)"

if [ -n "$DEV_INDEX" ]; then
    echo "== 1. dev retrieval questions: SQLite vs PostgreSQL (same index, copied) =="
    dev=$(createdb dev)
    /usr/bin/time -f "export: %e s" "$CITED" index export --index "$DEV_INDEX" --to "$dev" --json 2>&1 >"$work/export.json" | tail -1
    cat "$work/export.json"
    # Gold paths are relative to the ingest roots: run from anywhere.
    "$CITED" eval retrieval --questions Corpora/eval/retrieval-dev.jsonl --all-modes --json --index "$DEV_INDEX" >"$work/sqlite.json" 2>/dev/null
    "$CITED" eval retrieval --questions Corpora/eval/retrieval-dev.jsonl --all-modes --json --store "$dev" >"$work/pg.json" 2>/dev/null
    python3 - "$work/sqlite.json" "$work/pg.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ma, mb = (d.get("modes") or {d.get("mode", "default"): d["metrics"]} for d in (a, b))
print(f"{'mode':8} {'metric':10} {'SQLite':>8} {'Postgres':>9} {'diff':>8}")
for mode in ma:
    for key in sorted(ma[mode]):
        x, y = ma[mode][key], mb.get(mode, {}).get(key, float('nan'))
        if isinstance(x, (int, float)):
            print(f"{mode:8} {key:10} {x:8.4f} {y:9.4f} {y - x:+8.4f}")
PY
fi

echo "== 2. HNSW (m 16, ef_construction 64, ef_search 100) vs exact, $VECTORS synthetic 384-d vectors =="
bench=$(createdb bench)
"$CITED" pgvector-bench --store "$bench" --vectors "$VECTORS" --queries 200 --clients 1,16

echo "== 3. ingest throughput, --no-embed: pubmed21n1298 split into 16 files =="
python3 Benchmarks/split_pubmed.py "$PUBMED" 16 "$work/split"
/usr/bin/time -f "SQLite, 1 worker: %e s" "$CITED" ingest "$work/split" --index "$work/sqlite-index" --no-embed --json 2>&1 >/dev/null | tail -1
for workers in 1 2 4; do
    db=$(createdb "ingest_$workers")
    "$CITED" index status --store "$db" >/dev/null  # migrate once
    start=$(date +%s.%N)
    pids=()
    for ((i = 0; i < workers; i++)); do
        "$CITED" ingest "$work/split" --store "$db" --no-embed --shard "$i/$workers" >/dev/null 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    seconds=$(python3 -c "import time,sys; print(round(time.time() - float(sys.argv[1]), 2))" "$start")
    documents=$("$psql" "$db" -tAc "SELECT count(*) FROM document")
    passages=$("$psql" "$db" -tAc "SELECT count(*) FROM passage")
    python3 -c "import sys; w,s,d,p=sys.argv[1:]; print(f'PostgreSQL, {w} worker(s): {s} s, {d} documents, {p} passages, {int(d)/float(s):.0f} documents/s, {int(p)/float(s):.0f} passages/s')" "$workers" "$seconds" "$documents" "$passages"
done
