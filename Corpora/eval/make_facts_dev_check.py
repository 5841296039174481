#!/usr/bin/env python3
"""Check answers-facts-tune.jsonl and answers-facts-confirm.jsonl against the corpora.

Checks:
  * JSON format: keys, types, domains, lowercase facts, unique ids;
  * counts per file: 14 clinical + 7 code + 7 math answerable, 3 + 3 + 2 unanswerable;
  * interleaving: at most 4 answerable questions in a row;
  * clinical gold: even PMIDs only, present in pubmed21n1298.xml.gz with an abstract;
  * code gold under library/ or howto/ of the Python docs; math gold a SymPy doc source;
  * every fact of a question occurs verbatim (case-insensitive, whitespace collapsed)
    in one of its gold sources (the abstract text, or the .rst.txt file);
  * unanswerable questions: gold [] and facts [], and every key term (UNANSWERABLE_TERMS)
    occurs 0 times, case-insensitively, in the decompressed XML and in every file of both
    doc trees (all of _sources, not only the indexed folders);
  * no gold source shared between the two files, nor with answers-dev.jsonl / retrieval-dev.jsonl.

Corpora: $CITED_HOME/corpora (default ~/.cache/cited/corpora), or --corpora DIR.
Prints a summary; exits 0 if every check passes, 1 otherwise.
"""
import argparse
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["answers-facts-tune.jsonl", "answers-facts-confirm.jsonl"]
OTHER_SETS = ["answers-dev.jsonl", "retrieval-dev.jsonl"]
EXPECTED_ANSWERABLE = {"clinical": 14, "code": 7, "math": 7}
EXPECTED_UNANSWERABLE = {"clinical": 3, "code": 3, "math": 2}
KEYS = {"id", "domain", "question", "gold", "facts", "answerable"}

# Key terms of the unanswerable questions; each must have 0 hits in the corpus.
UNANSWERABLE_TERMS = {
    "facts-tune-unanswerable-01": ["donanemab"],
    "facts-tune-unanswerable-02": ["Path.walk"],
    "facts-tune-unanswerable-03": ["pdsolve_numeric"],
    "facts-tune-unanswerable-04": ["vibegron"],
    "facts-tune-unanswerable-05": ["graphql"],
    "facts-tune-unanswerable-06": ["atogepant"],
    "facts-tune-unanswerable-07": ["goroutine", "WaitGroup"],
    "facts-tune-unanswerable-08": ["geogebra"],
    "facts-confirm-unanswerable-01": ["mavacamten"],
    "facts-confirm-unanswerable-02": ["memoize_async"],
    "facts-confirm-unanswerable-03": ["fracdiff", "fractional derivative"],
    "facts-confirm-unanswerable-04": ["GRECCAR 3", "GRECCAR3"],
    "facts-confirm-unanswerable-05": ["statistics.kde", "kde("],
    "facts-confirm-unanswerable-06": ["molnupiravir"],
    "facts-confirm-unanswerable-07": ["activerecord", "ruby on rails"],
    "facts-confirm-unanswerable-08": ["Symbolics.jl"],
}


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def load_abstracts(xml_gz, wanted):
    """PMID -> abstract text (AbstractText elements joined) for the wanted PMIDs."""
    found = {}
    with gzip.open(xml_gz) as fh:
        for _, el in ET.iterparse(fh, events=("end",)):
            if el.tag != "PubmedArticle":
                continue
            pmid = el.findtext("MedlineCitation/PMID")
            if pmid in wanted:
                parts = ["".join(a.itertext()) for a in el.findall(".//Abstract/AbstractText")]
                found[pmid] = "\n".join(parts)
            el.clear()
    return found


def count_in_xml(xml_gz, terms):
    """Case-insensitive occurrence counts of terms in the decompressed XML (chunked, with overlap)."""
    pats = {t: t.lower().encode() for t in terms}
    counts = Counter({t: 0 for t in terms})
    keep = max(len(p) for p in pats.values()) - 1
    tail = b""
    with gzip.open(xml_gz) as fh:
        while True:
            chunk = fh.read(1 << 24)
            if not chunk:
                break
            buf = tail + chunk.lower()
            for t, p in pats.items():
                # count only matches that end inside the new part, so overlaps are not double counted
                start = 0
                while True:
                    i = buf.find(p, start)
                    if i < 0:
                        break
                    if i + len(p) > len(tail):
                        counts[t] += 1
                    start = i + 1
            tail = buf[-keep:] if keep > 0 else b""
    return counts


def count_in_tree(root, terms):
    counts = Counter({t: 0 for t in terms})
    for d, _, files in os.walk(root):
        for f in files:
            try:
                text = open(os.path.join(d, f), "rb").read().lower()
            except OSError:
                continue
            for t in terms:
                if t.lower().encode() in text:
                    counts[t] += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    home = os.environ.get("CITED_HOME", os.path.expanduser("~/.cache/cited"))
    ap.add_argument("--corpora", default=os.path.join(home, "corpora"))
    args = ap.parse_args()
    xml_gz = os.path.join(args.corpora, "pubmed", "pubmed21n1298.xml.gz")
    py_root = os.path.join(args.corpora, "python-docs", "_sources")
    sy_root = os.path.join(args.corpora, "sympy-docs", "_sources")
    for p in (xml_gz, py_root, sy_root):
        if not os.path.exists(p):
            print(f"missing corpus: {p}")
            return 1

    errors = []
    sets = {}
    for name in FILES:
        rows = []
        with open(os.path.join(HERE, name), encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    errors.append(f"{name}:{ln}: bad JSON: {e}")
        sets[name] = rows

    # ---- format, counts, interleaving
    ids = Counter()
    for name, rows in sets.items():
        ans, una = Counter(), Counter()
        run = 0
        for r in rows:
            rid = r.get("id", "?")
            ids[rid] += 1
            if set(r) != KEYS:
                errors.append(f"{name}:{rid}: keys {sorted(r)}")
                continue
            if r["domain"] not in EXPECTED_ANSWERABLE:
                errors.append(f"{name}:{rid}: bad domain {r['domain']}")
            if not isinstance(r["question"], str) or not r["question"].strip():
                errors.append(f"{name}:{rid}: empty question")
            if not isinstance(r["gold"], list) or not isinstance(r["facts"], list) or not isinstance(r["answerable"], bool):
                errors.append(f"{name}:{rid}: bad types")
                continue
            for f in r["facts"]:
                if not isinstance(f, str) or f != f.lower() or not f.strip():
                    errors.append(f"{name}:{rid}: fact not a lowercase string: {f!r}")
            if r["answerable"]:
                ans[r["domain"]] += 1
                run += 1
                if run > 4:
                    errors.append(f"{name}:{rid}: more than 4 answerable questions in a row")
                if not r["gold"] or not (2 <= len(r["facts"]) <= 3):
                    errors.append(f"{name}:{rid}: answerable needs gold and 2-3 facts")
            else:
                una[r["domain"]] += 1
                run = 0
                if r["gold"] or r["facts"]:
                    errors.append(f"{name}:{rid}: unanswerable must have gold [] and facts []")
                if rid not in UNANSWERABLE_TERMS:
                    errors.append(f"{name}:{rid}: no key terms recorded")
                elif not any(t.lower() in r["question"].lower() for t in UNANSWERABLE_TERMS[rid]):
                    errors.append(f"{name}:{rid}: none of its key terms is in the question")
        if dict(ans) != EXPECTED_ANSWERABLE:
            errors.append(f"{name}: answerable counts {dict(ans)} != {EXPECTED_ANSWERABLE}")
        if dict(una) != EXPECTED_UNANSWERABLE:
            errors.append(f"{name}: unanswerable counts {dict(una)} != {EXPECTED_UNANSWERABLE}")
        print(f"{name}: {len(rows)} lines; answerable {dict(ans)}; unanswerable {dict(una)}")
    for rid, c in ids.items():
        if c > 1:
            errors.append(f"duplicate id {rid}")

    # ---- gold sources
    pmids = set()
    for name, rows in sets.items():
        for r in rows:
            if not r.get("answerable"):
                continue
            for g in r["gold"]:
                if r["domain"] == "clinical":
                    if not re.fullmatch(r"\d+", g):
                        errors.append(f"{r['id']}: clinical gold {g!r} is not a PMID")
                    elif int(g) % 2:
                        errors.append(f"{r['id']}: ODD PMID {g} (reserved for independent checks)")
                    pmids.add(g)
                elif r["domain"] == "code":
                    if not (g.startswith("library/") or g.startswith("howto/")):
                        errors.append(f"{r['id']}: code gold {g} not under library/ or howto/")
                    if not os.path.isfile(os.path.join(py_root, g)):
                        errors.append(f"{r['id']}: missing Python doc {g}")
                else:
                    if not os.path.isfile(os.path.join(sy_root, g)):
                        errors.append(f"{r['id']}: missing SymPy doc {g}")
    abstracts = load_abstracts(xml_gz, pmids)

    def source_text(domain, g):
        if domain == "clinical":
            return abstracts.get(g)
        root = py_root if domain == "code" else sy_root
        p = os.path.join(root, g)
        return open(p, encoding="utf-8", errors="replace").read() if os.path.isfile(p) else None

    n_facts = n_in_question = 0
    for name, rows in sets.items():
        for r in rows:
            if not r.get("answerable"):
                continue
            texts = {}
            for g in r["gold"]:
                t = source_text(r["domain"], g)
                if t is None or not t.strip():
                    errors.append(f"{r['id']}: gold {g} not found or has no abstract")
                else:
                    texts[g] = norm(t)
            ok = [g for g, t in texts.items() if all(norm(f) in t for f in r["facts"])]
            if texts and not ok:
                missing = [f for f in r["facts"] if not any(norm(f) in t for t in texts.values())]
                errors.append(f"{r['id']}: facts not all in one gold source (missing anywhere: {missing})")
            for f in r["facts"]:
                n_facts += 1
                if norm(f) in norm(r["question"]):
                    n_in_question += 1

    # ---- no shared gold
    gold_of = {name: {g for r in rows for g in r.get("gold", [])} for name, rows in sets.items()}
    shared = gold_of[FILES[0]] & gold_of[FILES[1]]
    if shared:
        errors.append(f"gold shared between tune and confirm: {sorted(shared)}")
    for other in OTHER_SETS:
        p = os.path.join(HERE, other)
        if os.path.exists(p):
            og = {g for line in open(p, encoding="utf-8") for g in json.loads(line)["gold"]}
            both = (gold_of[FILES[0]] | gold_of[FILES[1]]) & og
            if both:
                errors.append(f"gold shared with {other}: {sorted(both)}")
    questions = Counter(norm(r["question"]) for rows in sets.values() for r in rows)
    for p in OTHER_SETS:
        pp = os.path.join(HERE, p)
        if os.path.exists(pp):
            for line in open(pp, encoding="utf-8"):
                q = norm(json.loads(line)["question"])
                if q in questions:
                    errors.append(f"question duplicates {p}: {q}")

    # ---- unanswerable key terms absent
    terms = sorted({t for ts in UNANSWERABLE_TERMS.values() for t in ts})
    xml_hits = count_in_xml(xml_gz, terms)
    py_hits = count_in_tree(py_root, terms)
    sy_hits = count_in_tree(sy_root, terms)
    for t in terms:
        if xml_hits[t] or py_hits[t] or sy_hits[t]:
            errors.append(f"unanswerable term {t!r} found: xml={xml_hits[t]} python={py_hits[t]} sympy={sy_hits[t]}")

    print(f"gold PMIDs: {len(pmids)} (all even: {all(int(p) % 2 == 0 for p in pmids)}), abstracts found: {len(abstracts)}")
    print(f"gold sources: tune {len(gold_of[FILES[0]])}, confirm {len(gold_of[FILES[1]])}, shared {len(shared)}")
    print(f"facts checked: {n_facts} (verbatim in gold); of these also worded in the question: {n_in_question}")
    print(f"unanswerable key terms checked: {len(terms)}; total hits xml={sum(xml_hits.values())} "
          f"python={sum(py_hits.values())} sympy={sum(sy_hits.values())}")
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
