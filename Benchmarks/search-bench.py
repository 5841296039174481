#!/usr/bin/env python3
"""Dense search latency, Cited vs numpy, faiss IndexFlatIP and sqlite-vec, same vectors and queries, one run.

Usage: search-bench.py --cited PATH/TO/cited [--sizes 100000,1000000] [--queries 50] [--data uniform|clustered]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def make(n, dims, nq, kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return unit(rng.standard_normal((n, dims), dtype=np.float32)), unit(rng.standard_normal((nq, dims), dtype=np.float32))
    # Clustered: like real embeddings, rows gather around topics; queries are new points of the same topics.
    centres = unit(rng.standard_normal((max(n // 100, 10), dims), dtype=np.float32))
    x = np.empty((n, dims), dtype=np.float32)
    step = 100_000
    for s in range(0, n, step):
        e = min(n, s + step)
        x[s:e] = unit(centres[rng.integers(0, len(centres), e - s)] + 0.08 * rng.standard_normal((e - s, dims), dtype=np.float32))
    q = unit(centres[rng.integers(0, len(centres), nq)] + 0.08 * rng.standard_normal((nq, dims), dtype=np.float32))
    return x, q


def timed(fn, queries, repeat):
    fn(queries[0])
    times, results = [], []
    for r in range(repeat):
        for q in queries:
            t = time.perf_counter()
            res = fn(q)
            times.append((time.perf_counter() - t) * 1e3)
            if r == 0:
                results.append(list(res))
    return statistics.median(times), results


def recall(approx, exact, k):
    return float(np.mean([len(set(a[:k]) & set(e[:k])) / k for a, e in zip(approx, exact)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cited", required=True)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--dims", type=int, default=384)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--data", default="uniform")
    ap.add_argument("--sqlite-vec-max", type=int, default=100000, help="largest size sqlite-vec runs at")
    args = ap.parse_args()
    k = args.k
    print(f"# dense search, dims {args.dims}, k {k}, {args.queries} queries x {args.repeat}, data {args.data}, "
          f"median single-query latency in ms")
    for n in map(int, args.sizes.split(",")):
        x, q = make(n, args.dims, args.queries, args.data)
        rows = {}
        with tempfile.TemporaryDirectory() as tmp:
            vp, qp = os.path.join(tmp, "v.f32"), os.path.join(tmp, "q.f32")
            x.tofile(vp)
            q.tofile(qp)
            out = subprocess.run([args.cited, "search-bench", "--vectors", vp, "--queries", qp, "--dims", str(args.dims),
                                  "--k", str(k), "--repeat", str(args.repeat)], check=True, capture_output=True, text=True)
            cited = json.loads(out.stdout)

        def numpy_search(v):
            s = x @ v
            top = np.argpartition(-s, k)[:k]
            return top[np.argsort(-s[top])]

        rows["numpy matvec+argpartition"] = timed(numpy_search, q, args.repeat)
        exact = rows["numpy matvec+argpartition"][1]
        import faiss
        index = faiss.IndexFlatIP(args.dims)
        index.add(x)
        rows["faiss IndexFlatIP"] = timed(lambda v: index.search(v[None, :], k)[1][0], q, args.repeat)
        del index
        if n <= args.sqlite_vec_max:
            # The venv's sqlite3 module cannot load extensions; apsw can.
            import apsw, sqlite_vec
            db = apsw.Connection(":memory:")
            db.enable_load_extension(True)
            db.load_extension(sqlite_vec.loadable_path())
            db.execute(f"create virtual table v using vec0(e float[{args.dims}] distance_metric=cosine)")
            with db:
                db.executemany("insert into v(rowid, e) values (?, ?)", ((i, x[i].tobytes()) for i in range(n)))
            sql = "select rowid from v where e match ? and k = ? order by distance"
            rows["sqlite-vec brute force"] = timed(lambda v: [r[0] for r in db.execute(sql, (v.tobytes(), k))], q, 1)
            db.close()
        for m in cited["methods"]:
            rows[f"cited {m['method']}"] = (m["median_ms"], m["results"])
        base = rows["numpy matvec+argpartition"][0]
        print(f"\n## n = {n:,} (cited load + derive {cited['load_ms']:.0f} ms)")
        print(f"| method | median ms | x numpy | recall@{k} vs numpy |")
        print("|---|---:|---:|---:|")
        for name, (ms, res) in rows.items():
            print(f"| {name} | {ms:.2f} | {ms / base:.3f} | {recall(res, exact, k):.4f} |")
        sys.stdout.flush()
        del x


if __name__ == "__main__":
    main()
