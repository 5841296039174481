#!/usr/bin/env python3
"""Select verifier passages and generate rule-based candidate perturbations.

Step 1 of building Tests/CitedAnswerTests/Fixtures/verifier/verifier-set.jsonl
(see VERIFIER-SET.md).  This script only makes CANDIDATES: every candidate was
then read by hand, wrong/ambiguous/still-true ones dropped, labels fixed, and
faithful paraphrases and overgeneralisations written by hand.

Sources (fetched by the project's corpus script into $CITED_HOME/corpora,
default ~/.cache/cited/corpora):
  pubmed/pubmed21n1298.xml.gz            -- ONLY articles with an EVEN PMID
  python-docs/_sources/library/*.rst.txt -- Python 3.11 docs
  sympy-docs/_sources/**/*.rst.txt       -- SymPy docs

Usage:
  nice -n 10 python3 make_verifier_set.py [--out /tmp/verifier-candidates.jsonl]
      pass 1: passage pool + rule candidates on the auto-picked sentence of each passage
  nice -n 10 python3 make_verifier_set.py --claims CLAIMS.jsonl --pool /tmp/verifier-candidates.jsonl \
      --out /tmp/verifier-candidates-claims.jsonl
      pass 2: the same rules on hand-chosen claim sentences ({"pid", "sentence"} per line)
Standard library only; deterministic (no randomness beyond a fixed-seed RNG).
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

HOME = Path(os.environ.get("CITED_HOME", Path.home() / ".cache" / "cited"))
CORPORA = HOME / "corpora"
MIN_LEN, MAX_LEN = 400, 1100
RNG = random.Random(1298)

# ----------------------------------------------------------------- rules
NEGATION_RULES = [  # (pattern, replacement); first match wins, applied once
    (r"\bno significant\b", "a significant"),
    (r"\bnot significantly\b", "significantly"),
    (r"\bdid not\s+(\w+)", r"\1"),
    (r"\bwas not\b", "was"), (r"\bwere not\b", "were"),
    (r"\bis not\b", "is"), (r"\bare not\b", "are"),
    (r"\bcannot\b", "can"), (r"\bdoes not\b", "does"), (r"\bdo not\b", "do"),
    (r"\bwas associated\b", "was not associated"),
    (r"\bwere associated\b", "were not associated"),
    (r"\bsignificantly (reduced|increased|improved|decreased|lower|higher)\b", r"did not significantly change"),
    (r"\b(reduced|decreased|increased|improved|prevented|predicted)\b", "did not {base}"),
    (r"\bwas (\w+er)\b", r"was not \1"), (r"\bwere (\w+er)\b", r"were not \1"),
    (r"\bis\b", "is not"), (r"\bare\b", "are not"),
    (r"\breturns\b", "does not return"), (r"\braises\b", "does not raise"),
    (r"\bcan\b", "cannot"), (r"\bmust\b", "need not"), (r"\bwill\b", "will not"),
]
BASE = {"reduced": "reduce", "decreased": "decrease", "increased": "increase",
        "improved": "improve", "prevented": "prevent", "predicted": "predict"}
ANTONYMS = {
    "higher": "lower", "lower": "higher", "increased": "decreased", "decreased": "increased",
    "increase": "decrease", "decrease": "increase", "increases": "decreases", "decreases": "increases",
    "improved": "worsened", "worsened": "improved", "more": "less", "less": "more",
    "reduced": "increased", "reduces": "increases", "reduction": "increase",
    "shorter": "longer", "longer": "shorter", "better": "worse", "worse": "better",
    "superior": "inferior", "inferior": "superior", "before": "after", "after": "before",
    "faster": "slower", "slower": "faster", "greater": "smaller", "smaller": "larger",
    "larger": "smaller", "positive": "negative", "negative": "positive", "smallest": "largest",
    "largest": "smallest", "first": "last", "last": "first", "ascending": "descending",
    "descending": "ascending", "upper": "lower", "minimum": "maximum", "maximum": "minimum",
    "left": "right", "right": "left", "true": "false", "false": "true", "True": "False", "False": "True",
    "elevated": "reduced", "lowest": "highest", "highest": "lowest", "fewer": "more",
}
# code/maths: real names from OTHER pages, chosen to be confusable
CODE_SWAPS = {
    "lru_cache": "cache", "cache": "lru_cache", "nsmallest": "nlargest", "nlargest": "nsmallest",
    "heappush": "heappop", "heappop": "heappush", "bisect_left": "bisect_right", "bisect_right": "bisect_left",
    "insort": "bisect", "partial": "partialmethod", "reduce": "accumulate", "accumulate": "reduce",
    "chain": "zip_longest", "groupby": "itertools.tee", "deque": "OrderedDict", "OrderedDict": "defaultdict",
    "defaultdict": "Counter", "Counter": "defaultdict", "namedtuple": "dataclass", "dump": "dumps",
    "dumps": "loads", "load": "loads", "loads": "dumps", "search": "match", "match": "fullmatch",
    "fullmatch": "search", "sub": "subn", "findall": "finditer", "finditer": "findall", "split": "rsplit",
    "mean": "median", "median": "mean", "stdev": "pstdev", "pstdev": "stdev", "variance": "pvariance",
    "copy": "deepcopy", "deepcopy": "copy", "run": "Popen", "Popen": "run", "check_output": "check_call",
    "copyfile": "copy2", "copy2": "copyfile", "rmtree": "rmdir", "wrap": "fill", "fill": "shorten",
    "dedent": "indent", "ExitStack": "suppress", "contextmanager": "asynccontextmanager",
    "dataclass": "namedtuple", "field": "fields", "Enum": "IntEnum", "IntEnum": "Flag", "Path": "PurePath",
    "PurePath": "Path", "sleep": "perf_counter", "time": "monotonic", "monotonic": "time",
    "DictReader": "reader", "reader": "DictReader", "writer": "DictWriter", "choice": "sample",
    "sample": "choices", "choices": "sample", "shuffle": "sample", "isclose": "isfinite",
    "floor": "ceil", "ceil": "floor", "gcd": "lcm", "sqrt": "isqrt", "isqrt": "sqrt",
    "total_ordering": "singledispatch", "wraps": "update_wrapper", "cached_property": "property",
    # sympy
    "solve": "dsolve", "dsolve": "solve", "solveset": "linsolve", "linsolve": "nonlinsolve",
    "nonlinsolve": "linsolve", "simplify": "trigsimp", "trigsimp": "simplify", "expand": "factor",
    "factor": "expand", "cancel": "apart", "apart": "cancel", "together": "apart", "collect": "factor",
    "integrate": "diff", "diff": "integrate", "limit": "series", "series": "limit", "Integral": "Derivative",
    "Derivative": "Integral", "Limit": "Sum", "subs": "evalf", "evalf": "subs", "lambdify": "sympify",
    "sympify": "lambdify", "Rational": "Float", "Float": "Rational", "Matrix": "ImmutableMatrix",
    "ImmutableMatrix": "Matrix", "rref": "nullspace", "nullspace": "columnspace", "eigenvals": "eigenvects",
    "eigenvects": "eigenvals", "det": "trace", "powsimp": "powdenest", "powdenest": "powsimp",
    "expand_log": "logcombine", "logcombine": "expand_log", "expand_trig": "trigsimp", "roots": "real_roots",
    "real_roots": "roots", "nsolve": "solve", "rsolve": "dsolve", "S": "Symbol", "Symbol": "Dummy",
    "symbols": "var", "isprime": "primerange", "factorint": "divisors", "divisors": "factorint",
    "Poly": "Expr", "FiniteSet": "Interval", "Interval": "FiniteSet", "ConditionSet": "ImageSet",
    "EmptySet": "UniversalSet", "Eq": "Ne", "Ne": "Eq", "nan": "zoo", "zoo": "oo", "oo": "zoo",
    "checksol": "checkodesol", "classify_ode": "checkodesol", "hint": "simplify",
}
POPULATIONS = [("children", "adults"), ("adults", "children"), ("women", "men"), ("men", "women"),
               ("elderly", "young"), ("infants", "adolescents"), ("mice", "rats"), ("rats", "mice"),
               ("patients", "healthy controls")]
NUM_RE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(\s?%| ?mg| ?kg| ?ml| ?years?| ?months?| ?weeks?| ?days?)?")


def sentences(text):
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z(`:*])", text)
    return [p.strip() for p in parts if len(p.strip()) > 30]


def first_sub(pattern, repl, s):
    m = re.search(pattern, s)
    if not m:
        return None
    if "{base}" in repl:
        r = repl.replace("{base}", BASE[m.group(1)])
    else:
        r = m.expand(repl)
    return s[:m.start()] + r + s[m.end():], f"'{m.group(0)}' -> '{r}'"


def negations(s):
    out = []
    for pat, rep in NEGATION_RULES:
        r = first_sub(pat, rep, s)
        if r and r[0] != s:
            out.append(r)
        if len(out) >= 2:
            break
    return out


def directions(s):
    out = []
    for m in re.finditer(r"\b(" + "|".join(sorted(ANTONYMS, key=len, reverse=True)) + r")\b", s):
        w = m.group(1)
        out.append((s[:m.start()] + ANTONYMS[w] + s[m.end():], f"'{w}' -> '{ANTONYMS[w]}'"))
        if len(out) >= 2:
            break
    return out


def comparison_swaps(s):
    out = []
    # "in the A group than in the B group" / "with A than with B" / "A vs B" / "A compared with B"
    pats = [
        r"\b(in|with|for|among|of) (the )?([\w\-+/ ]{2,40}?) than (in|with|for|among|of)? ?(the )?([\w\-+/ ]{2,40}?)(?=[,.;(]| \(| and| but|$)",
        r"\b([\w\-+/]+(?: [\w\-+/]+){0,3}) (?:vs\.?|versus) ([\w\-+/]+(?: [\w\-+/]+){0,3})",
        r"\b([\w\-+/]+(?: [\w\-+/]+){0,2}) (?:compared with|compared to) ([\w\-+/]+(?: [\w\-+/]+){0,2})",
    ]
    for i, pat in enumerate(pats):
        for m in re.finditer(pat, s):
            if i == 0:
                a, b = m.group(3), m.group(6)
                if not b or a == b:
                    continue
                rep = m.group(0).replace(a, "\0", 1)
                k = rep.rfind(b)
                rep = rep[:k] + a + rep[k + len(b):]
                rep = rep.replace("\0", b)
            else:
                a, b = m.group(1), m.group(2)
                rep = m.group(0).replace(a, "\0", 1)
                k = rep.rfind(b)
                rep = (rep[:k] + a + rep[k + len(b):]).replace("\0", b)
            out.append((s[:m.start()] + rep + s[m.end():], f"swapped '{a}' and '{b}'"))
            break
    return out[:2]


def number_swaps(s, passage):
    out = []
    nums = [(m.group(1), m.group(2) or "", m.span(1)) for m in NUM_RE.finditer(s)]
    nums = [n for n in nums if not re.fullmatch(r"(19|20)\d\d", n[0])]
    # (1) swap two numbers with the same unit inside the sentence (wrong-arm binding)
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            a, b = nums[i], nums[j]
            if a[1].strip() == b[1].strip() and a[0] != b[0]:
                t = s[:a[2][0]] + b[0] + s[a[2][1]:b[2][0]] + a[0] + s[b[2][1]:]
                out.append((t, f"swapped {a[0]} and {b[0]}"))
                break
        if out:
            break
    # (2) replace with another number from the passage (other group/outcome)
    pnums = [m.group(1) for m in NUM_RE.finditer(passage)]
    for n in nums:
        others = [p for p in pnums if p != n[0] and p not in [x[0] for x in nums]
                  and ("." in p) == ("." in n[0])]
        if others:
            o = others[0]
            out.append((s[:n[2][0]] + o + s[n[2][1]:], f"{n[0]} -> {o} (value from elsewhere in passage)"))
            break
    # (3) nearby altered value
    if nums:
        n = nums[-1]
        v = n[0].replace(",", ".")
        if "." in v:
            d = len(v.split(".")[1])
            alt = f"{float(v) * 1.5 + 0.1:.{d}f}"
        else:
            alt = str(int(v) * 2 if 0 < int(v) < 10 else int(v) + max(1, int(v) // 4))
        out.append((s[:n[2][0]] + alt + s[n[2][1]:], f"{n[0]} -> {alt} (altered value)"))
    return out[:3]


def entity_swaps(s, own, pool):
    """own: entity names of this document; pool: names from OTHER documents."""
    out = []
    for e in sorted(own, key=len, reverse=True):
        m = re.search(r"(?<![\w.])" + re.escape(e) + r"(?![\w])", s, re.I)
        if m:
            cands = [p for p in pool if p.lower() != e.lower() and p.lower() not in s.lower()]
            if cands:
                o = RNG.choice(cands)
                out.append((s[:m.start()] + o + s[m.end():], f"'{m.group(0)}' -> '{o}'"))
                break
    for a, b in POPULATIONS:
        m = re.search(r"\b" + a + r"\b", s)
        if m and b not in s:
            out.append((s[:m.start()] + b + s[m.end():], f"'{a}' -> '{b}'"))
            break
    return out


def code_swaps(s):
    out = []
    for m in re.finditer(r"(?<![\w])([A-Za-z_][\w.]*)(?=\(|`|\b)", s):
        name = m.group(1)
        last = name.split(".")[-1]
        if last in CODE_SWAPS and (("`" in s[max(0, m.start() - 8):m.start()]) or "(" == s[m.end():m.end() + 1]):
            new = name[: len(name) - len(last)] + CODE_SWAPS[last]
            out.append((s[:m.start()] + new + s[m.end():], f"'{name}' -> '{new}'"))
            if len(out) >= 2:
                break
    return out


TRIGGERS = re.compile(r"\b(than|higher|lower|increase\w*|decrease\w*|reduc\w*|improv\w*|associated|significant\w*|"
                      r"not|no|more|less|better|worse|returns?|raises?|only|must|default|faster|before|after)\b", re.I)


def score_sentence(s):
    return len(TRIGGERS.findall(s)) + 0.5 * len(NUM_RE.findall(s)) - (0.02 * max(0, len(s) - 260))


def best_sentence(passage):
    ss = [s for s in sentences(passage) if 50 <= len(s) <= 330]
    return max(ss, key=score_sentence) if ss else None


# ----------------------------------------------------------------- clinical
def clinical(n):
    path = CORPORA / "pubmed" / "pubmed21n1298.xml.gz"
    arts = []
    with gzip.open(path) as f:
        for _, el in ET.iterparse(f):
            if el.tag != "PubmedArticle":
                continue
            pmid = el.findtext(".//MedlineCitation/PMID")
            if pmid and int(pmid) % 2 == 0:  # EVEN PMIDs only (DATA.md rule)
                title = "".join(el.find(".//ArticleTitle").itertext()).strip()
                abst = el.findall(".//Abstract/AbstractText")
                ptypes = [p.text for p in el.findall(".//PublicationType")]
                chems = [c.text for c in el.findall(".//ChemicalList/Chemical/NameOfSubstance")]
                mesh = [c.text for c in el.findall(".//MeshHeading/DescriptorName")]
                secs = [(a.get("Label") or "", "".join(a.itertext()).strip()) for a in abst]
                arts.append(dict(pmid=pmid, title=title, secs=secs, ptypes=ptypes, chems=chems, mesh=mesh))
            el.clear()
    cands = []
    for a in arts:
        options = []
        if len(a["secs"]) == 1 and not a["secs"][0][0]:
            options.append(("abstract", a["secs"][0][1]))
        for lab, txt in a["secs"]:
            if lab.upper() in ("RESULTS", "FINDINGS", "CONCLUSIONS", "CONCLUSION", "MAIN RESULTS", "INTERPRETATION"):
                options.append((lab, txt))
        for lab, txt in options:
            if not (MIN_LEN <= len(txt) <= MAX_LEN):
                continue
            s = best_sentence(txt)
            if not s:
                continue
            sc = score_sentence(s) + (3 if any("Randomized" in (p or "") or "Clinical Trial" in (p or "")
                                               for p in a["ptypes"]) else 0)
            sc += 1 if " than " in s else 0
            sc += 1 if a["chems"] else 0
            cands.append((sc, a, lab, txt, s))
    cands.sort(key=lambda c: (-c[0], hashlib.sha1(c[1]["pmid"].encode()).hexdigest()))
    seen, chosen = set(), []
    for c in cands:
        if c[1]["pmid"] in seen:
            continue
        seen.add(c[1]["pmid"])
        chosen.append(c)
        if len(chosen) >= n:
            break
    chem_pool = sorted({x for c in chosen for x in c[1]["chems"] if x and len(x) < 30})
    out = []
    for i, (sc, a, lab, txt, s) in enumerate(chosen):
        others = [x for c in chosen if c[1]["pmid"] != a["pmid"] for x in c[1]["chems"] if x and len(x) < 30]
        own = [x for x in a["chems"] + a["mesh"] if x]
        rec = dict(pid=f"clin-{i + 1:03d}", domain="clinical", source=f"PMID:{a['pmid']}",
                   context=f"{a['title']} {lab or 'ABSTRACT'}".strip(), passage=txt, sentence=s)
        rec["candidates"] = perturb(s, txt, own, others or chem_pool, code=False)
        out.append(rec)
    return out


# ----------------------------------------------------------------- docs
def doc_units(path):
    """Return [(section title, prose unit)] from a reST file: runs of prose paragraphs between
    headings, directives and code blocks (a unit never spans removed code), whitespace collapsed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section, cur, units, in_code, code_indent = path.stem, [], [], False, 0
    in_sig = False
    BREAK = (None, None)

    def flush(brk=False):
        t = re.sub(r"\s+", " ", " ".join(cur)).strip()
        if t:
            units.append((section, t))
        cur.clear()
        if brk:
            units.append(BREAK)

    for i, ln in enumerate(lines):
        st = ln.strip()
        ind = len(ln) - len(ln.lstrip())
        if in_sig:  # continuation lines of a multi-signature directive
            if st:
                continue
            in_sig = False
        if in_code:
            if st and ind <= code_indent:
                in_code = False
            else:
                continue
        if i + 1 < len(lines) and re.fullmatch(r"([=\-~^\"'*#+])\1{3,}", lines[i + 1].strip() or "x") and st:
            flush(True)
            section = st
            continue
        if re.fullmatch(r"([=\-~^\"'*#+])\1{3,}", st):
            continue
        if st.startswith(".. "):
            if re.match(r"\.\. (function|method|class|attribute|decorator|data|exception|autofunction|autoclass|classmethod|staticmethod)::", st):
                flush(True)
                section = st.split("::", 1)[1].strip()
                in_sig = True
                continue
            if re.match(r"\.\. (note|warning|seealso|versionadded|versionchanged|deprecated|impl-detail)::", st):
                flush(True)
                rest = st.split("::", 1)[1].strip()
                if rest and not re.match(r"\.\. (note|warning|seealso)", st):
                    cur.append(rest)
                continue
            flush(True)
            in_code, code_indent = True, ind
            continue
        if re.match(r":\w[\w ]*:(\s|$)", st) and not re.match(r":(func|class|meth|mod|exc|attr|data|term|ref|const|obj|pep|rfc|math|doc|program|option|envvar|keyword|file|py:\w+):`", st):
            continue
        if st.startswith(">>>") or st.startswith("..."):
            flush(True)
            in_code, code_indent = True, ind - 1
            continue
        if st.endswith("::"):
            cur.append(st[:-1] if not st.endswith(" ::") else st[:-3])
            flush(True)
            in_code, code_indent = True, ind
            continue
        if not st:
            if cur:
                flush()
            continue
        cur.append(st)
    flush()
    merged, last_break = [], True
    for u in units:
        if u == BREAK:
            last_break = True
            continue
        sec, t = u
        if merged and not last_break and merged[-1][0] == sec and len(merged[-1][1]) + len(t) < MAX_LEN:
            merged[-1] = (sec, merged[-1][1] + " " + t)
        else:
            merged.append((sec, t))
        last_break = False
    return [(s, t) for s, t in merged if MIN_LEN <= len(t) <= MAX_LEN]


def doc_title(f):
    ls = f.read_text(encoding="utf-8").splitlines()
    for i in range(len(ls) - 1):
        if ls[i].strip() and re.fullmatch(r"([=\-~^\"'*#+])\1{3,}", ls[i + 1].strip() or "x") \
                and not ls[i].strip().startswith(".."):
            return ls[i].strip()
    return f.stem


CODE_PAGES = ["heapq", "functools", "bisect", "itertools", "collections", "json", "re", "statistics",
              "copy", "subprocess", "shutil", "textwrap", "contextlib", "dataclasses", "enum", "pathlib",
              "random", "csv", "math", "time", "os.path", "string"]
MATH_PAGES = ["tutorials/intro-tutorial/simplification", "tutorials/intro-tutorial/calculus",
              "tutorials/intro-tutorial/solvers", "tutorials/intro-tutorial/matrices",
              "tutorials/intro-tutorial/gotchas", "tutorials/intro-tutorial/basic_operations",
              "tutorials/intro-tutorial/manipulation", "modules/solvers/solvers", "modules/solvers/solveset",
              "modules/solvers/ode", "modules/integrals/integrals", "modules/series/series", "modules/ntheory",
              "modules/sets", "modules/evalf", "modules/polys/basics", "modules/simplify/simplify",
              "modules/assumptions/index", "modules/core", "modules/matrices/matrices", "explanation/gotchas",
              "modules/utilities/lambdify", "modules/functions/elementary"]


def docs(domain, root, pages, n, prefix, per_page=2):
    out = []
    names_by_page = {}
    for p in pages:
        f = root / (p + ".rst.txt")
        if f.exists():
            names_by_page[p] = set(re.findall(r":(?:func|class|meth):`~?([\w.]+)`", f.read_text()))
    for p in pages:
        f = root / (p + ".rst.txt")
        if not f.exists():
            continue
        units = doc_units(f)
        scored = []
        for sec, t in units:
            s = best_sentence(t)
            if not s:
                continue
            sc = score_sentence(s) + (2 if re.search(r"`[\w.]+`|\w+\(\)", s) else 0)
            scored.append((sc, sec, t, s))
        if not scored:
            continue
        for sc, sec, t, s in sorted(scored, key=lambda x: -x[0])[:per_page]:
          title = doc_title(f)
          rec = dict(pid=f"{prefix}-{len(out) + 1:03d}", domain=domain,
                     source=(f"library/{f.name}" if domain == "code" else str(f.relative_to(root))),
                     context=f"{title} {sec}", passage=t, sentence=s)
          pool = sorted(x for q, ns in names_by_page.items() if q != p for x in ns)
          rec["candidates"] = perturb(s, t, list(names_by_page.get(p, [])), pool, code=True)
          out.append(rec)
        if len(out) >= n:
            break
    return out


def perturb(s, passage, own, pool, code):
    c = []
    for t, note in negations(s):
        c.append(dict(kind="negation", sentence=t, note=note))
    for t, note in directions(s):
        c.append(dict(kind="direction", sentence=t, note=note))
    for t, note in comparison_swaps(s):
        c.append(dict(kind="comparison-swap", sentence=t, note=note))
    for t, note in number_swaps(s, passage):
        c.append(dict(kind="number-swap", sentence=t, note=note))
    if code:
        for t, note in code_swaps(s):
            c.append(dict(kind="function-swap", sentence=t, note=note))
    else:
        for t, note in entity_swaps(s, own, pool):
            c.append(dict(kind="entity-swap", sentence=t, note=note))
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/verifier-candidates.jsonl")
    ap.add_argument("--clinical", type=int, default=40)
    ap.add_argument("--code", type=int, default=30)
    ap.add_argument("--math", type=int, default=30)
    ap.add_argument("--claims", help="JSONL of {pid, sentence}: re-run the rules on hand-trimmed claim sentences "
                    "of passages already in --pool (second pass, after the claims were chosen by hand)")
    ap.add_argument("--pool", default="/tmp/verifier-candidates.jsonl")
    a = ap.parse_args()
    if a.claims:
        pool = {json.loads(l)["pid"]: json.loads(l) for l in open(a.pool)}
        names = {}
        for r in pool.values():
            names.setdefault(r["domain"], set()).update(re.findall(r":(?:func|class|meth):`~?([\w.]+)`", r["passage"]))
        n = 0
        with open(a.out, "w") as f:
            for l in open(a.claims):
                c = json.loads(l)
                r = dict(pool[c["pid"]])
                r["sentence"] = c["sentence"]
                code = r["domain"] != "clinical"
                others = sorted(x for q in pool.values() if q["pid"] != r["pid"] and q["domain"] == r["domain"]
                                for x in re.findall(r"\b[A-Z][A-Za-z0-9-]{2,}\b", q["passage"])) if not code else []
                r["candidates"] = perturb(c["sentence"], r["passage"], [], others, code=code)
                n += len(r["candidates"])
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"wrote {n} candidates for hand-chosen claims to {a.out}")
        return
    recs = clinical(a.clinical)
    recs += docs("code", CORPORA / "python-docs" / "_sources" / "library", CODE_PAGES, a.code, "code")
    recs += docs("math", CORPORA / "sympy-docs" / "_sources", MATH_PAGES, a.math, "math")
    with open(a.out, "w") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(recs)} passages, {sum(len(r['candidates']) for r in recs)} candidates to {a.out}")


if __name__ == "__main__":
    main()
