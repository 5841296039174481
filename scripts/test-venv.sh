#!/usr/bin/env bash
# Creates (or reuses) the Python venv the test scripts run in and prints its path on stdout.
# The venv lives in ${CITED_HOME:-$HOME/.cache/cited}/venv-HASH (HASH: of the requirements) and holds the pinned packages of
# scripts/test-requirements.txt. A venv whose stamp matches the requirements is reused as it is, so a
# second run takes a fraction of a second. Progress goes to stderr.
# Usage: VENV=$(scripts/test-venv.sh) && "$VENV/bin/python" scripts/mcp-client-check.py …
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=scripts/test-requirements.txt
want=$(sha256sum "$requirements" | cut -d' ' -f1)
# One venv per requirements file (named by its hash), so that checkouts pinning different packages on one
# machine do not rebuild each other's.
venv="${CITED_HOME:-$HOME/.cache/cited}/venv-${want:0:12}"
stamp="$venv/.cited-requirements.sha256"

mkdir -p "$(dirname "$venv")"
# Test suites running at once may both ask for the venv: one makes it, the others wait for it.
exec 9>"$venv.lock"
flock 9

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$venv/bin/python" -c '' 2>/dev/null; then
    echo "$venv"
    exit 0
fi

python=$(command -v python3 || true)
if [[ -z "$python" ]] || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "test-venv: installing python3-venv (apt)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    python=$(command -v python3)
fi

echo "test-venv: creating $venv" >&2
# A venv left half-made (no stamp, or an old one) is rebuilt from scratch.
rm -rf "$venv"
"$python" -m venv "$venv" >&2
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
wheels=$(scripts/llama-wheel.sh "$requirements" "${pip[@]}")
# llama-cpp-python from the wheel just found or built, never compiled again here (--only-binary).
"${pip[@]}" install --quiet --find-links "$wheels" --only-binary llama-cpp-python -r "$requirements" >&2
echo "$want" > "$stamp"
echo "$venv"
