#!/usr/bin/env bash
# Builds llama-cpp-python's wheel once per machine and prints the folder holding it (for pip --find-links).
# PyPI has only its source for Linux, and compiling llama.cpp is the slowest part of making the test venv
# (minutes of CPU on 2 cores), so the wheel is kept under ${CITED_HOME:-$HOME/.cache/cited}/wheels/, which
# outlives a CI clone. The folder is named by the version and a hash of everything that changes the binary:
# the CMake flags, the compiler and the CPU's feature flags (GGML_NATIVE compiles for this
# CPU: another CPU gets its own wheel, never one that might use instructions it lacks).
# Usage: scripts/llama-wheel.sh REQUIREMENTS PIP... (PIP: the command running the venv's pip)
set -euo pipefail
requirements=$1
shift
pip=("$@")
version=$(sed -n 's/^llama-cpp-python\(\[[a-z,]*\]\)\{0,1\}==\([^ ]*\).*/\2/p' "$requirements")
if [[ -z "$version" ]]; then
    echo "llama-wheel: no pinned llama-cpp-python==VERSION in $requirements" >&2
    exit 1
fi
# Only what the Python bindings load: the llama and ggml libraries for this CPU. No tests, examples, tools,
# server, multimodal (llava/mtmd: the tests serve text models only), curl or OpenMP (threads are ggml's own).
cmake_args="-DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF"
cmake_args+=" -DLLAMA_BUILD_SERVER=OFF -DLLAVA_BUILD=OFF -DLLAMA_CURL=OFF -DGGML_OPENMP=OFF"
# (The bindings force LLAMA_BUILD_COMMON on and load nothing from it, but building only the `llama` target
# fails at install: llama.cpp's install rules name libllama-common. So it is compiled, and not shipped.)
compiler=$(cc --version 2>/dev/null | sed -n 1p || true)
cpu=$(grep -m1 '^flags' /proc/cpuinfo || true)
key=$(printf '%s\n' "$version" "$cmake_args" "$compiler" "$cpu" | sha256sum | cut -c1-12)
home="${CITED_HOME:-$HOME/.cache/cited}"
folder="$home/wheels/llama-cpp-python-$version-$key"
mkdir -p "$home/wheels"
# Two venvs made at once (different requirements) build the wheel once.
exec 8>"$folder.lock"
flock 8
if ! compgen -G "$folder/llama_cpp_python-$version-*.whl" >/dev/null; then
    echo "llama-wheel: compiling llama-cpp-python $version into $folder (once per machine; several CPU minutes)" >&2
    rm -rf "$folder.partial"
    CMAKE_ARGS="$cmake_args" "${pip[@]}" wheel --quiet --no-deps --no-cache-dir -w "$folder.partial" \
        "llama-cpp-python==$version" >&2
    printf 'version %s\nCMAKE_ARGS %s\ncompiler %s\n%s\n' "$version" "$cmake_args" "$compiler" "$cpu" \
        > "$folder.partial/BUILD-INFO"
    rm -rf "$folder"
    mv "$folder.partial" "$folder"
fi
echo "$folder"
