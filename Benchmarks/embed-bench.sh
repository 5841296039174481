#!/usr/bin/env bash
# Cited's embedder vs sentence-transformers on the same ~1,000-character PubMed passages, 2 threads each,
# in the same run. Prints passages/s for both and the ratio; checks Cited's vectors against the peer's.
# usage: Benchmarks/embed-bench.sh [PASSAGES=1000]   (env: VENV=/tmp/peers, THREADS=2, ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
VENV=${VENV:-/tmp/peers}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
WORK=${WORK:-/tmp/cited-embed-bench}
mkdir -p "$WORK"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q sentence-transformers numpy
fi
swift build -c release --product cited >&2
"$VENV/bin/python" Benchmarks/embed-passages.py "$WORK/passages.txt" "$N"

best_cited=0; best_st=0
for round in $(seq "$ROUNDS"); do
    # Alternate who goes first so that neither always gets the quieter machine.
    if [ $((round % 2)) -eq 1 ]; then order="cited st"; else order="st cited"; fi
    for who in $order; do
        if [ "$who" = cited ]; then
            line=$(.build/release/cited embed --lines "$WORK/passages.txt" --threads "$THREADS" --verbose --json \
                   2>&1 >"$WORK/cited.json" | tail -1)
            rate=$(echo "$line" | sed -E 's/.*, ([0-9.]+) texts\/s.*/\1/')
            echo "round $round cited: $rate passages/s ($line)" >&2
            best_cited=$(python3 -c "print(max($best_cited, $rate))")
        else
            out=$(THREADS=$THREADS "$VENV/bin/python" Benchmarks/embed-st.py "$WORK/passages.txt" "$WORK/st.f32" 2>/dev/null | tail -1)
            rate=${out%% *}
            echo "round $round sentence-transformers: $rate passages/s (mean ${out##* } tokens)" >&2
            best_st=$(python3 -c "print(max($best_st, $rate))")
        fi
    done
done
"$VENV/bin/python" - "$WORK" <<'PY'
import json, sys, numpy as np
work = sys.argv[1]
cited = np.array(json.load(open(f"{work}/cited.json"))["vectors"], dtype=np.float32)
st = np.fromfile(f"{work}/st.f32", dtype=np.float32).reshape(cited.shape)
cos = (cited * st).sum(1) / np.linalg.norm(cited, axis=1) / np.linalg.norm(st, axis=1)
print(f"cosine to sentence-transformers: min {cos.min():.6f}, mean {cos.mean():.6f}")
PY
echo "passages: $N, threads: $THREADS, best of $ROUNDS rounds"
echo "cited: $best_cited passages/s"
echo "sentence-transformers: $best_st passages/s"
python3 -c "print(f'ratio: {$best_cited / $best_st:.2f}x')"
