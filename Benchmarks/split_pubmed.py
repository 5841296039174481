#!/usr/bin/env python3
"""Splits a PubMed baseline file (.xml or .xml.gz) into N valid PubmedArticleSet files of consecutive articles,
so that ingest workers (`cited ingest --shard i/n`) have files to share. Usage: split_pubmed.py FILE N OUTDIR"""
import gzip
import os
import sys


def main():
    source, parts, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opener = gzip.open if source.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as f:
        text = f.read()
    start = text.index("<PubmedArticleSet>") + len("<PubmedArticleSet>")
    end = text.rindex("</PubmedArticleSet>")
    head = text[:start]
    body = text[start:end]
    articles = body.split("<PubmedArticle>")[1:]
    per = (len(articles) + parts - 1) // parts
    os.makedirs(out, exist_ok=True)
    for i in range(parts):
        chunk = articles[i * per:(i + 1) * per]
        if not chunk:
            break
        with open(os.path.join(out, f"part-{i:03d}.xml"), "w", encoding="utf-8") as f:
            f.write(head + "\n" + "".join("<PubmedArticle>" + a for a in chunk) + "\n</PubmedArticleSet>\n")
    print(f"{len(articles)} articles in {min(parts, (len(articles) + per - 1) // per)} files")


if __name__ == "__main__":
    main()
