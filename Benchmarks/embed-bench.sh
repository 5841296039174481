#!/usr/bin/env bash
# Cited's embedder (int16 default path and fp32 reference) vs sentence-transformers on the same
# ~1,000-character PubMed passages, 2 threads each, in the same run. Prints passages/s (wall clock,
# best of ROUNDS) and passages per CPU second (robust when other jobs share the machine), the ratios,
# and the cosine of Cited's vectors to the peer's.
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

declare -A wall cpu
for who in int16 fp32 st; do wall[$who]=0; cpu[$who]=0; done
best() { python3 -c "print(max($1, $2))"; }
for round in $(seq "$ROUNDS"); do
    # Rotate the order so that no one always gets the quieter machine.
    case $((round % 3)) in 1) order="int16 fp32 st";; 2) order="st int16 fp32";; 0) order="fp32 st int16";; esac
    for who in $order; do
        if [ "$who" = st ]; then
            out=$(THREADS=$THREADS "$VENV/bin/python" Benchmarks/embed-st.py "$WORK/passages.txt" "$WORK/st.f32" 2>/dev/null | tail -1)
            read -r w c tokens <<<"$out"
            echo "round $round sentence-transformers: $w passages/s, $c per CPU s (mean $tokens tokens)" >&2
        else
            line=$(.build/release/cited embed --lines "$WORK/passages.txt" --threads "$THREADS" --precision "$who" \
                   --verbose --json 2>&1 >"$WORK/cited-$who.json" | tail -1)
            w=$(echo "$line" | sed -E 's/.*\), ([0-9.]+) texts\/s.*/\1/')
            c=$(echo "$line" | sed -E 's/.*, ([0-9.]+) texts per CPU s.*/\1/')
            echo "round $round cited $who: $w passages/s, $c per CPU s" >&2
        fi
        wall[$who]=$(best "${wall[$who]}" "$w"); cpu[$who]=$(best "${cpu[$who]}" "$c")
    done
done
"$VENV/bin/python" - "$WORK" <<'PY'
import json, sys, numpy as np
work = sys.argv[1]
for p in ("int16", "fp32"):
    cited = np.array(json.load(open(f"{work}/cited-{p}.json"))["vectors"], dtype=np.float32)
    st = np.fromfile(f"{work}/st.f32", dtype=np.float32).reshape(cited.shape)
    cos = (cited * st).sum(1) / np.linalg.norm(cited, axis=1) / np.linalg.norm(st, axis=1)
    print(f"cosine cited {p} to sentence-transformers: min {cos.min():.6f}, mean {cos.mean():.6f}")
PY
echo "passages: $N, threads: $THREADS, best of $ROUNDS rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for who in int16 fp32 st; do echo "$who: ${wall[$who]} passages/s, ${cpu[$who]} passages per CPU s"; done
python3 -c "print(f'ratio int16/st: {${wall[int16]} / ${wall[st]}:.2f}x wall, {${cpu[int16]} / ${cpu[st]}:.2f}x per CPU s')"
python3 -c "print(f'ratio fp32/st:  {${wall[fp32]} / ${wall[st]}:.2f}x wall, {${cpu[fp32]} / ${cpu[st]}:.2f}x per CPU s')"
