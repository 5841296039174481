#!/usr/bin/env python3
"""Writes ~1,000-character PubMed passages, one per line, for the embedder benchmarks.

usage: embed-passages.py OUT.txt [COUNT]   (COUNT 0 = every passage of pubmed21n1298)
Passages are consecutive abstract sentences packed up to 1,000 characters, titles prepended.
"""
import gzip, os, re, sys
import xml.etree.ElementTree as ET

home = os.path.expanduser(os.environ.get("CITED_HOME", "~/.cache/cited"))
out, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
passages = []
with gzip.open(os.path.join(home, "corpora/pubmed/pubmed21n1298.xml.gz")) as f:
    for _, el in ET.iterparse(f):
        if el.tag != "PubmedArticle":
            continue
        title_el = el.find(".//ArticleTitle")
        title = "".join(title_el.itertext()).strip() if title_el is not None else ""
        abstract = " ".join("".join(a.itertext()).strip() for a in el.findall(".//AbstractText"))
        el.clear()
        if not abstract:
            continue
        current = title
        for sentence in re.split(r"(?<=[.!?])\s+", abstract):
            if current and len(current) + len(sentence) + 1 > 1000:
                passages.append(current)
                current = ""
            current = (current + " " + sentence).strip()
        if current:
            passages.append(current)
        if count and len(passages) >= count * 3:
            break
passages = [" ".join(p.split()) for p in passages]
if count:
    # The benchmark's passages: the ones close to 1,000 characters.
    passages = [p for p in passages if len(p) >= 800][:count]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(passages) + "\n")
print(f"{len(passages)} passages, mean {sum(map(len, passages)) / len(passages):.0f} characters -> {out}",
      file=sys.stderr)
