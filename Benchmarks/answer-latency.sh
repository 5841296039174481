#!/usr/bin/env bash
# Answer latency (issue 8): median over 20 answerable dev questions of the time from process start to the
# sources on screen, the first answer token, and the complete answer, one `cited ask` process per question,
# for each Qwen model. The prompt cache starts as it is: the first question of each domain fills it (a miss).
# Usage: Benchmarks/answer-latency.sh INDEX_DIR [N]   (needs `swift build -c release` first)
set -euo pipefail
cd "$(dirname "$0")/.."
INDEX="${1:?usage: answer-latency.sh INDEX_DIR [N]}"
N="${2:-20}"
CITED=".build/release/cited"
[ -x "$CITED" ] || { echo "error: build first: swift build -c release" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
for model in qwen2.5-coder-0.5b qwen2.5-coder-1.5b; do
    echo "== $model =="
    python3 Benchmarks/answer-latency.py "$CITED" "$INDEX" Corpora/eval/answers-dev.jsonl "$N" --model "$model" | tail -1
done
