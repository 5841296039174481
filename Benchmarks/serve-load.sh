#!/usr/bin/env bash
# Load and fault test of `cited serve` on the demo index (loopback only): 32 search clients for 60 s,
# 8 concurrent answer streams, kill -9 mid-answer and restart. Prints throughput, p50/p99, errors, RSS.
# Usage: Benchmarks/serve-load.sh [SEARCH_CLIENTS SEARCH_SECONDS ASK_STREAMS ASK_LIMIT]
# CITED_SCRATCH names the build folder (default .build; set CITED_BUILD_ARGS to build there too).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh minilm qwen2.5-coder-0.5b >/dev/null
bin=${CITED_SCRATCH:-.build}/release/cited
index=$(mktemp -d)/index
trap 'rm -rf "$(dirname "$index")"' EXIT
"$bin" ingest Corpora/demo --index "$index" >/dev/null
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(date -u +%F)"
python3 Benchmarks/serve-load.py "$bin" "$index" "$@"
