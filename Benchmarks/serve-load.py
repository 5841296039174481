#!/usr/bin/env python3
"""Load and fault test of `cited serve` on loopback (stdlib only; bounded in count and time).

1. SEARCH_CLIENTS threads POST /v1/search for SEARCH_SECONDS: throughput, p50/p99, errors, server RSS.
2. ASK_STREAMS concurrent streamed chat completions (with --ask-limit below it, so some get the intended 503):
   answers completed, 503s, other errors, time to first event and to the end, and fairness (the order in
   which admitted asks finished against the order they arrived).
3. kill -9 of the server during an answer, restart: the index is intact (`cited index status`), the next
   request succeeds.

Usage: serve-load.py CITED_BINARY INDEX_DIR [SEARCH_CLIENTS SEARCH_SECONDS ASK_STREAMS ASK_LIMIT]
ASK_STREAMS 0 runs the search load only. CITED_SERVE_ARGS adds options to `cited serve`.
"""
import glob, http.client, json, os, random, re, signal, subprocess, sys, threading, time

cited, index = sys.argv[1], sys.argv[2]
search_clients, search_seconds, ask_streams, ask_limit = (int(x) for x in (sys.argv[3:7] + ["32", "60", "8", "4"][len(sys.argv[3:7]):]))

QUERIES = ["olanzapine dose agitation", "droperidol QT interval", "chemical restraint adults", "vitamin K2 bone density",
           "stroke medication adherence", "inappropriate medication older adults", "bisect insort sorted list",
           "lru_cache maxsize", "integrate rational function", "matrix determinant", "heparin thrombocytopenia",
           "antibiotic prophylaxis surgery", "sepsis lactate", "insulin glargine dose", "statin myopathy",
           "asthma inhaled corticosteroid", "atrial fibrillation anticoagulation", "depression sertraline",
           "hypertension amlodipine", "pneumonia children amoxicillin"]
# Plus every distinct question of the evaluation sets (clinical, code, math; answerable or not), so that the
# searches vary in words and length as real ones do; shuffled once, the same order every run.
# CITED_LOAD_QUERIES=keywords keeps the 20 short queries only (the figures before 2026-12-04 used those).
_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
for _path in ([] if os.environ.get("CITED_LOAD_QUERIES") == "keywords" else
              sorted(glob.glob(os.path.join(_root, "Corpora", "eval", "*.jsonl")))):
    with open(_path) as _f:
        for _line in _f:
            _q = json.loads(_line)["question"]
            if _q not in QUERIES:
                QUERIES.append(_q)
random.Random(16).shuffle(QUERIES)
QUESTION = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"


def start():
    extra = os.environ.get("CITED_SERVE_ARGS", "").split()
    proc = subprocess.Popen([cited, "serve", "--index", index, "--port", "0", "--ask-limit", str(ask_limit)] + extra,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    line = proc.stderr.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        raise SystemExit(f"server did not start: {line}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    return proc, int(m.group(1))


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024


def request(port, method, path, body=None, timeout=300):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def search_load(port, pid):
    latencies, errors, lock = [], [], threading.Lock()
    stop = time.monotonic() + search_seconds
    rss = [rss_mb(pid)]

    def client(i):
        n = i * len(QUERIES) // search_clients
        while time.monotonic() < stop:
            q = QUERIES[n % len(QUERIES)]
            n += 1
            t = time.monotonic()
            try:
                status, _ = request(port, "POST", "/v1/search", {"query": q, "k": 10})
                ok = status == 200
            except Exception as e:  # noqa: BLE001 (a load test counts every failure)
                ok, status = False, repr(e)
            with lock:
                (latencies.append(time.monotonic() - t) if ok else errors.append(status))

    def sample():
        while time.monotonic() < stop:
            time.sleep(5)
            rss.append(rss_mb(pid))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(search_clients)] + [threading.Thread(target=sample)]
    t0, server0, client0 = time.monotonic(), cpu_seconds(pid), sum(os.times()[:2])
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.monotonic() - t0
    server_ms = (cpu_seconds(pid) - server0) * 1000 / max(1, len(latencies))
    client_ms = (sum(os.times()[:2]) - client0) * 1000 / max(1, len(latencies))
    print(f"search: {search_clients} clients x {search_seconds} s: {len(latencies)} requests, {len(latencies) / wall:.0f} req/s, "
          f"p50 {pct(latencies, 50) * 1000:.1f} ms, p99 {pct(latencies, 99) * 1000:.1f} ms, errors {len(errors)}"
          f"{' ' + str(errors[:3]) if errors else ''}; server RSS {rss[0]:.0f} -> {rss[-1]:.0f} MB (max {max(rss):.0f}); "
          f"CPU per search: server {server_ms:.2f} ms, load generator {client_ms:.2f} ms; {len(QUERIES)} distinct queries; "
          f"load average {os.getloadavg()[0]:.2f}")
    return len(errors) == 0


def ask_load(port):
    results, lock = [], threading.Lock()

    def stream(i):
        t = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("POST", "/v1/chat/completions", body=json.dumps({"stream": True, "messages": [{"role": "user", "content": QUESTION}]}),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        first, done, err = None, False, None
        if resp.status == 200:
            for raw in resp:
                line = raw.decode().strip()
                if line.startswith("data: ") and first is None:
                    first = time.monotonic() - t
                if line == "data: [DONE]":
                    done = True
                if line.startswith('data: {"error"'):
                    err = line
        else:
            resp.read()
        conn.close()
        with lock:
            results.append({"i": i, "status": resp.status, "first": first, "end": time.monotonic() - t, "done": done,
                            "err": err, "retry_after": resp.getheader("Retry-After")})

    threads = []
    for i in range(ask_streams):
        threads.append(threading.Thread(target=stream, args=(i,)))
        threads[-1].start()
        time.sleep(0.05)  # arrival order is the thread order
    for t in threads: t.join()
    answered = [r for r in results if r["status"] == 200 and r["done"] and not r["err"]]
    refused = [r for r in results if r["status"] == 503]
    other = [r for r in results if r not in answered and r not in refused]
    finish_order = [r["i"] for r in sorted(answered, key=lambda r: r["end"])]
    print(f"ask: {ask_streams} concurrent streams, ask limit {ask_limit}: answered {len(answered)}, 503 (intended) {len(refused)} "
          f"(Retry-After {refused[0]['retry_after'] if refused else '-'}), other errors {len(other)}; "
          f"first event p50 {pct([r['first'] for r in answered], 50):.1f} s, end p50 {pct([r['end'] for r in answered], 50):.1f} s, "
          f"max {max([r['end'] for r in answered] or [0]):.1f} s; finish order {finish_order} "
          f"({'arrival order' if finish_order == sorted(finish_order) else 'NOT arrival order'})")
    return not other and len(answered) == min(ask_streams, ask_limit)


def crash(port, proc):
    t = threading.Thread(target=lambda: request(port, "POST", "/v1/chat/completions",
                                                {"messages": [{"role": "user", "content": QUESTION}]}), daemon=True)
    t.start()
    time.sleep(3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    status = subprocess.run([cited, "index", "status", "--index", index, "--json"], capture_output=True, text=True)
    ok_index = status.returncode == 0 and json.loads(status.stdout)["vectors"]["missing"] == 0
    proc2, port2 = start()
    try:
        code, body = request(port2, "POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": QUESTION}]})
        ok = code == 200 and json.loads(body)["abstained"] is False
    finally:
        proc2.terminate()
        proc2.wait()
    print(f"kill -9 during an answer: index status {'intact' if ok_index else 'BROKEN'}; next answer after restart "
          f"{'succeeded' if ok else 'FAILED'}; drained exit {proc2.returncode}")
    return ok_index and ok


proc, port = start()
try:
    ok = search_load(port, proc.pid)
    if ask_streams > 0:  # 0: the search load only
        ok = ask_load(port) and ok
        ok = crash(port, proc) and ok
finally:
    if proc.poll() is None:
        proc.kill()
sys.exit(0 if ok else 1)
