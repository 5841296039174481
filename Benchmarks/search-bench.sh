#!/usr/bin/env bash
# Dense search latency: Cited (blas, certified int8 exact, binary) vs numpy, faiss, sqlite-vec in one run.
# Usage: Benchmarks/search-bench.sh [extra args for search-bench.py, e.g. --sizes 100000 --data clustered]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/peers}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/python" -c 'import numpy, faiss, sqlite_vec, apsw' 2>/dev/null || "$VENV/bin/pip" install -q numpy faiss-cpu sqlite-vec apsw
swift build -c release -Xswiftc -enable-testing --product cited >&2
exec "$VENV/bin/python" Benchmarks/search-bench.py --cited "$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/cited" "$@"
