#!/usr/bin/env bash
# Sets up what is missing, then runs the main job on the bundled demo corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh minilm
cited=.build/release/cited
$cited models
