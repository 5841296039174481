"""Wall-clock latency of `cited ask`, measured from process start as a user sees it: sources on screen,
first answer token, complete answer. Usage: answer-latency.py CITED INDEX QUESTIONS.jsonl N [ask options...]
Runs the first N answerable questions one process each; prints one JSON line per question and a summary."""
import json, statistics, subprocess, sys, time

cited, index, questions, n, extra = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
rows = [json.loads(line) for line in open(questions) if line.strip()]
rows = [r for r in rows if r.get("answerable", True)][:n]
results = []
for row in rows:
    start = time.perf_counter()
    proc = subprocess.Popen([cited, "ask", "--index", index, *extra, row["question"]], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    seen, sources, first, streaming = b"", None, None, False
    while True:
        chunk = proc.stdout.read1(4096)
        if not chunk:
            break
        now = time.perf_counter() - start
        seen += chunk
        if sources is None and b"\n  [1] " in b"\n" + seen:
            sources = now
        if not streaming and b"Answer (streaming)\n" in seen:
            streaming = True
            tail = seen.split(b"Answer (streaming)\n", 1)[1]
            if tail.strip():
                first = now
        elif streaming and first is None and chunk.strip():
            first = now
    proc.wait()
    total = time.perf_counter() - start
    abstained = b"Not found in the indexed sources." in seen
    result = {"id": row["id"], "sources_s": sources, "first_token_s": first, "total_s": total, "abstained": abstained}
    results.append(result)
    print(json.dumps(result), flush=True)

def median(key):
    values = [r[key] for r in results if r[key] is not None]
    return round(statistics.median(values), 3) if values else None

print(json.dumps({"questions": len(results), "median_sources_s": median("sources_s"),
                  "median_first_token_s": median("first_token_s"), "median_total_s": median("total_s"),
                  "answered": sum(not r["abstained"] for r in results), "options": extra}))
