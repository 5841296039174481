#!/usr/bin/env bash
# Sets up what is missing (packages, a release build, the embedder and the default answer model),
# indexes the bundled demo corpus (incremental: a re-run writes nothing new) and asks a question:
# the sources, the streamed answer, the checked answer with its references.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh minilm qwen2.5-coder-0.5b
cited=.build/release/cited
index="${CITED_INDEX:-Index}"
$cited ingest Corpora/demo --index "$index"
$cited ask --index "$index" "${1:-What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?}"
