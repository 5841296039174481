#!/usr/bin/env bash
# Second round of hostile inputs (issue 15): makes each file with hostile2-gen.py, ingests it alone into a fresh
# index (--no-embed) under GNU time with a timeout, and prints one row per file: exit code, peak RSS, seconds,
# passages stored, and the first stderr line.
#
# Usage: Benchmarks/hostile2.sh [OUT_DIR] [NAME...]   (CITED=path/to/cited, TIMEOUT=seconds, default 300)
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/cited-hostile2}; shift || true
cited=${CITED:-$here/../.build/release/cited}
limit=${TIMEOUT:-300}
python3 "$here/hostile2-gen.py" "$out" "$@" > "$out.list"
printf '| input | size | exit | peak RSS MB | s | passages | stderr (first line) |\n|---|---:|---:|---:|---:|---:|---|\n'
while read -r file; do
  case "$file" in *.json|*.txt|*.gguf) continue ;; esac  # model files: run by hand (see RESULTS.md)
  index=$(mktemp -d)
  /usr/bin/time -f "%M %e" -o "$index.time" timeout "$limit" "$cited" ingest --no-embed --index "$index/Index" "$file" \
    > /dev/null 2> "$index.err"
  status=$?
  read -r rss secs < <(tail -1 "$index.time" 2>/dev/null || echo "? ?")
  passages=$(sqlite3 "$index/Index/cited.sqlite" 'SELECT COUNT(*) FROM passage' 2>/dev/null || echo -)
  size=$(du -h --apparent-size "$file" | cut -f1)
  first=$(grep -v '^warning: no embedder' "$index.err" | head -1 | cut -c1-140)
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(basename "$file")" "$size" "$status" "$((rss / 1024))" "$secs" \
    "$passages" "$first"
  rm -rf "$index" "$index.time" "$index.err"
done < "$out.list"
