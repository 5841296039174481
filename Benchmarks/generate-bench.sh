#!/usr/bin/env bash
# Cited vs llama.cpp (llama-cpp-python, GGML_NATIVE) on the same GGUF files, 2 threads, same ~1,000-token prompt:
# prefill tok/s, decode tok/s, load time, peak RSS. Usage: Benchmarks/generate-bench.sh [model-name...]
# Prints first the CPU, its SIMD features, the kernel level Cited runs (the best the CPU has, or CITED_ISA)
# and the features llama.cpp was built with. CITED_ISAS="avx2 avx512" runs Cited once per kernel level
# (one row each: before/after comparisons on one build). SCRATCH=.build-x uses another build folder;
# SKIP_BUILD=1 uses the binary already there. Cited decodes one token per pass here, as llama.cpp does
# (DRAFT_TOKENS=2 turns its prompt-lookup drafting on: the same tokens in fewer passes).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/peers}
SCRATCH=${SCRATCH:-.build}
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
    python3 -m venv "$VENV"
    CMAKE_ARGS="-DGGML_NATIVE=ON" "$VENV/bin/pip" install -q llama-cpp-python
fi
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product cited --scratch-path "$SCRATCH" >/dev/null
CITED="$SCRATCH/release/cited"
# CPU and the SIMD features both engines may use; Cited's level follows the rule of cq_isa_detected
# (AVX-512 needs F, BW, VL, DQ and VNNI; AVX2 needs AVX2, FMA and F16C)
python3 - <<'PY'
import os, re
info = open("/proc/cpuinfo").read()
model = re.search(r"model name\s*:\s*(.*)", info).group(1).strip()
fam = re.search(r"cpu family\s*:\s*(\d+)", info); mod = re.search(r"model\s*:\s*(\d+)", info)
flags = set(re.search(r"flags\s*:\s*(.*)", info).group(1).split())
keys = ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_int8"]
have = [k for k in keys if k in flags]
level = "avx512" if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni"} <= flags else \
        "avx2" if {"avx2", "fma", "f16c"} <= flags else "scalar"
req = os.environ.get("CITED_ISA")
order = ["scalar", "avx2", "avx512"]
if req in order and order.index(req) < order.index(level): level = req
print(f"CPU: {model} (family {fam.group(1) if fam else '?'}, model {mod.group(1) if mod else '?'}), {os.cpu_count()} logical cores")
print(f"SIMD features: {' '.join(have)}")
print(f"Cited kernel level: {level}" + (f" (CITED_ISA={req})" if req else ""))
PY
"$VENV/bin/python" -c "import llama_cpp; print('llama.cpp', llama_cpp.__version__, 'features:', llama_cpp.llama_print_system_info().decode().strip())" || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
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
ISAS=(${CITED_ISAS:-${CITED_ISA:-default}})
for m in "${MODELS[@]}"; do
    file=$(ls "$HOME_DIR/models/$m/"*.gguf | head -1)
    peer=$("$VENV/bin/python" Benchmarks/generate-bench.py "$file" "$PROMPT" $N)
    for isa in "${ISAS[@]}"; do
    best='{"prefill_tokens_per_s":0,"decode_tokens_per_s":0}'
    for run in 1 2; do
        out=$( { if [ "$isa" = default ]; then env -u CITED_ISA /usr/bin/time -f "RSS %M" "$CITED" generate "$(cat "$PROMPT")" --model "$m" \
              --max-tokens $((N + 1)) --temperature 0 --ignore-eos --threads 2 --draft-tokens "${DRAFT_TOKENS:-0}" --json
              else CITED_ISA=$isa /usr/bin/time -f "RSS %M" "$CITED" generate "$(cat "$PROMPT")" --model "$m" \
              --max-tokens $((N + 1)) --temperature 0 --ignore-eos --threads 2 --draft-tokens "${DRAFT_TOKENS:-0}" --json; fi; } 2>"$PROMPT.err")
        best=$(python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]);
print(json.dumps({k: max(a.get(k,0), b.get(k,0)) for k in ('prefill_tokens_per_s','decode_tokens_per_s')} | {'prompt_tokens': b['prompt_tokens'], 'load_ms': b['load_ms']}))" "$best" "$out")
        rss=$(grep -o "RSS [0-9]*" "$PROMPT.err" | awk '{print int($2/1024)}')
    done
    python3 - "$m" "$best" "$peer" "$rss" "$isa" <<'PY'
import json, sys
m, c, p, rss, isa = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4], sys.argv[5]
label = m if isa == "default" else f"{m} ({isa})"
print(f"| {label} | {c['prompt_tokens']} | {c['prefill_tokens_per_s']:.1f} | {p['prefill']:.1f} | {c['prefill_tokens_per_s']/p['prefill']:.2f}x "
      f"| {c['decode_tokens_per_s']:.1f} | {p['decode']:.1f} | {c['decode_tokens_per_s']/p['decode']:.2f}x "
      f"| {c['load_ms']} ms | {p['load_s']*1000:.0f} ms | {rss} MB | {p['rss_mb']:.0f} MB |")
PY
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$PROMPT" "$PROMPT.err"
