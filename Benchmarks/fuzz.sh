#!/usr/bin/env bash
# Fuzzes Cited's readers of untrusted input with libFuzzer + AddressSanitizer (issue 15 item 8).
#
# Usage: Benchmarks/fuzz.sh [SECONDS] [HARNESS…]
#   SECONDS   run time of each harness (default 600); `Benchmarks/fuzz.sh 20` is the CI smoke.
#   HARNESS   any of: pubmed jats html markdown rst tex man wordpiece bpe gguf safetensors fts (default: all).
#
# Builds the separate package in Fuzz/ (release, `-sanitize=fuzzer,address`, scratch .build-fuzzpkg), then runs
# each harness in turn from its committed seeds (Fuzz/Corpus/<harness>, never modified): new inputs go to
# .fuzz/corpus/<harness>, crash/leak/timeout inputs to .fuzz/artifacts/, logs to .fuzz/logs/ (all git-ignored).
# Prints executions per harness; exits 1 if any harness found a crash, leak, timeout or out-of-memory.
# The bpe and wordpiece harnesses read the real tokenizers from ~/.cache/cited/models (cited models fetch).
# Environment: SWIFT (default /opt/swift/usr/bin/swift when present), FUZZ_NICE (default 15), FUZZ_SCRATCH
# (build folder, default .build-fuzzpkg), FUZZ_OUT (output folder, default .fuzz).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift $(( $# > 0 ? 1 : 0 ))
all=(pubmed jats html markdown rst tex man wordpiece bpe gguf safetensors fts)
if (( $# > 0 )); then harnesses=("$@"); else harnesses=("${all[@]}"); fi
swift=${SWIFT:-$( [[ -x /opt/swift/usr/bin/swift ]] && echo /opt/swift/usr/bin/swift || echo swift)}
scratch=${FUZZ_SCRATCH:-"$root/.build-fuzzpkg"}
out=${FUZZ_OUT:-"$root/.fuzz"}
niceness=${FUZZ_NICE:-15}

# The longest input libFuzzer makes, and the dictionary, per harness.
max_len() {
    case $1 in
        pubmed|jats|html|gguf) echo 16384 ;;
        markdown|rst|tex|man) echo 8192 ;;
        *) echo 4096 ;;
    esac
}
dictionary() {
    case $1 in
        pubmed|jats) echo "$root/Fuzz/Dictionaries/xml.dict" ;;
        html|gguf|safetensors) echo "$root/Fuzz/Dictionaries/$1.dict" ;;
    esac
}

for h in "${harnesses[@]}"; do
    [[ " ${all[*]} " == *" $h "* ]] || { echo "fuzz.sh: unknown harness '$h' (one of: ${all[*]})" >&2; exit 2; }
done

started=$(date +%s)
mkdir -p "$out/artifacts" "$out/logs"
echo "== building Fuzz/ (release, fuzzer+address; log in $out/logs/build.log) =="
if ! (cd "$root/Fuzz" && nice -n 10 "$swift" build -c release --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing) > "$out/logs/build.log" 2>&1; then
    grep -E "error" "$out/logs/build.log" | head -20 >&2
    echo "fuzz.sh: build failed" >&2; exit 1
fi
echo "build: $(( $(date +%s) - started )) s"

failed=()
printf '%-12s %8s %12s %10s %8s  %s\n' harness seconds executions "exec/s" "rss MB" result > "$out/summary.txt"
for h in "${harnesses[@]}"; do
    corpus="$out/corpus/$h"
    log="$out/logs/$h.log"
    mkdir -p "$corpus"
    options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$h")"
             -artifact_prefix="$out/artifacts/$h-" -print_final_stats=1)
    dict=$(dictionary "$h")
    [[ -n $dict ]] && options+=(-dict="$dict")
    begin=$(date +%s)
    LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp:print_suppressions=0" SWIFT_BACKTRACE=enable=no nice -n "$niceness" "$scratch/release/fuzz-$h" "${options[@]}" "$corpus" "$root/Fuzz/Corpus/$h" > "$log" 2>&1 &
    pid=$!
    wait $pid
    status=$?
    rm -rf /dev/shm/cited-fuzz-$pid* /tmp/cited-fuzz-$pid* 2>/dev/null
    elapsed=$(( $(date +%s) - begin ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    if (( status == 0 )); then result=ok; else
        result="FAILED ($(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-z-]+|Fatal error.*|Precondition failed.*' "$log" || echo "exit $status"))"
        failed+=("$h")
    fi
    printf '%-12s %8s %12s %10s %8s  %s\n' "$h" "$elapsed" "${runs:-?}" "${speed:-?}" "${rss:-?}" "$result" | tee -a "$out/summary.txt"
done
echo "total: $(( $(date +%s) - started )) s; summary in $out/summary.txt"
if (( ${#failed[@]} > 0 )); then
    echo "fuzz.sh: findings in ${failed[*]}: see $out/logs and $out/artifacts" >&2
    exit 1
fi
