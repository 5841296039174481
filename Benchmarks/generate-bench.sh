#!/usr/bin/env bash
# Cited vs llama.cpp (llama-cpp-python, GGML_NATIVE) on the same GGUF files, 2 threads, same ~1,000-token prompt:
# prefill tok/s, decode tok/s, load time, peak RSS. Usage: Benchmarks/generate-bench.sh [model-name...]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/peers}
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
    python3 -m venv "$VENV"
    CMAKE_ARGS="-DGGML_NATIVE=ON" "$VENV/bin/pip" install -q llama-cpp-python
fi
swift build -c release --product cited >/dev/null
HOME_DIR=${CITED_HOME:-$HOME/.cache/cited}
PROMPT=$(mktemp)
"$VENV/bin/python" - "$PROMPT" <<'PY'
import gzip, os, re, sys
home = os.environ.get("CITED_HOME", os.path.expanduser("~/.cache/cited"))
head = gzip.open(f"{home}/corpora/pubmed/pubmed20n0014.xml.gz", "rt", encoding="utf-8").read(3_000_000)
texts = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<AbstractText[^>]*>(.*?)</AbstractText>", head, re.S)]
out = ""
for t in texts:
    if len(out) > 4300: break
    out += t.strip() + "\n\n"
open(sys.argv[1], "w").write(out + "Question: what is the main finding of the first abstract above?\nAnswer:")
PY
N=64
MODELS=("$@")
[ ${#MODELS[@]} -eq 0 ] && MODELS=(smollm2-135m qwen2.5-coder-0.5b qwen2.5-coder-1.5b)
printf "| Model | prompt tokens | Cited prefill | llama.cpp prefill | ratio | Cited decode | llama.cpp decode | ratio | Cited load | llama.cpp load | Cited RSS | llama.cpp RSS |\n"
printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
for m in "${MODELS[@]}"; do
    file=$(ls "$HOME_DIR/models/$m/"*.gguf | head -1)
    peer=$("$VENV/bin/python" Benchmarks/generate-bench.py "$file" "$PROMPT" $N)
    best='{"prefill_tokens_per_s":0,"decode_tokens_per_s":0}'
    for run in 1 2; do
        out=$( { /usr/bin/time -f "RSS %M" .build/release/cited generate "$(cat "$PROMPT")" --model "$m" --max-tokens $((N + 1)) \
              --temperature 0 --ignore-eos --threads 2 --json; } 2>"$PROMPT.err")
        best=$(python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]);
print(json.dumps({k: max(a.get(k,0), b.get(k,0)) for k in ('prefill_tokens_per_s','decode_tokens_per_s')} | {'prompt_tokens': b['prompt_tokens'], 'load_ms': b['load_ms']}))" "$best" "$out")
        rss=$(grep -o "RSS [0-9]*" "$PROMPT.err" | awk '{print int($2/1024)}')
    done
    python3 - "$m" "$best" "$peer" "$rss" <<'PY'
import json, sys
m, c, p, rss = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
print(f"| {m} | {c['prompt_tokens']} | {c['prefill_tokens_per_s']:.1f} | {p['prefill']:.1f} | {c['prefill_tokens_per_s']/p['prefill']:.2f}x "
      f"| {c['decode_tokens_per_s']:.1f} | {p['decode']:.1f} | {c['decode_tokens_per_s']/p['decode']:.2f}x "
      f"| {c['load_ms']} ms | {p['load_s']*1000:.0f} ms | {rss} MB | {p['rss_mb']:.0f} MB |")
PY
done
rm -f "$PROMPT" "$PROMPT.err"
