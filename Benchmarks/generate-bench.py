"""llama-cpp-python side of generate-bench.sh: load time, prefill and decode tok/s, peak RSS, one JSON line."""
import json, resource, sys, time
import llama_cpp

path, prompt_file, n_decode = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(prompt_file, encoding="utf-8").read()
t0 = time.perf_counter()
llm = llama_cpp.Llama(model_path=path, n_ctx=4096, n_batch=512, n_threads=2, n_threads_batch=2, verbose=False)
load = time.perf_counter() - t0
ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)
best_prefill = best_decode = 0.0
for _ in range(2):
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(ids)
    prefill = len(ids) / (time.perf_counter() - t0)
    tok = 28
    t0 = time.perf_counter()
    for _ in range(n_decode):
        llm.eval([tok])
    decode = n_decode / (time.perf_counter() - t0)
    best_prefill, best_decode = max(best_prefill, prefill), max(best_decode, decode)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"prompt_tokens": len(ids), "load_s": load, "prefill": best_prefill, "decode": best_decode,
                  "rss_mb": rss}))
