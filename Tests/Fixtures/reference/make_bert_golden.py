#!/usr/bin/env python3
"""Writes the BERT embedder golden set: 240 passages of the three domains and sentence-transformers'
all-MiniLM-L6-v2 vectors for them (max_seq_length 256, mean pooling, L2 normalised).

Run:  /tmp/peers/bin/python Tests/Fixtures/reference/make_bert_golden.py
Output: Tests/CitedModelTests/Fixtures/bert/passages.jsonl ({"domain", "text"} per line) and
        Tests/CitedModelTests/Fixtures/bert/vectors.f16 (row-major float16 little-endian, 384 per passage).
"""
import glob, gzip, json, os, random
import xml.etree.ElementTree as ET
import numpy as np
from sentence_transformers import SentenceTransformer, models

HOME = os.path.expanduser(os.environ.get("CITED_HOME", "~/.cache/cited"))
OUT = os.path.join(os.path.dirname(__file__), "../../CitedModelTests/Fixtures/bert")
rng = random.Random(384)


def pubmed(limit):
    out = []
    with gzip.open(os.path.join(HOME, "corpora/pubmed/pubmed21n1298.xml.gz")) as f:
        for _, el in ET.iterparse(f):
            if el.tag == "PubmedArticle":
                title = "".join(el.find(".//ArticleTitle").itertext()) if el.find(".//ArticleTitle") is not None else ""
                abstract = " ".join("".join(a.itertext()) for a in el.findall(".//AbstractText"))
                if abstract:
                    out.append((title + " " + abstract).strip())
                el.clear()
                if len(out) >= limit * 10:
                    break
    rng.shuffle(out)
    # A mix of lengths: a ~1,000-character window, a short title-like head, and whole abstracts (> 256 tokens).
    res = []
    for i, text in enumerate(out[:limit]):
        res.append(text[:1000] if i % 3 == 0 else (text[:200] if i % 3 == 1 else text))
    return res


def docs(pattern, limit):
    files = sorted(glob.glob(pattern, recursive=True))
    rng.shuffle(files)
    out = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            paras = [p.strip() for p in f.read().split("\n\n") if len(p.strip()) > 120]
        if paras:
            p = rng.choice(paras)
            out.append(p[:1500])
        if len(out) >= limit:
            break
    return out


def main():
    items = [("clinical", t) for t in pubmed(100)]
    items += [("code", t) for t in docs("/usr/share/doc/python3.11/html/_sources/**/*.rst.txt", 70)]
    items += [("math", t) for t in docs("/usr/share/doc/python-sympy-doc/html/_sources/**/*.txt", 60)]
    items += [("misc", t) for t in ["", "a", "Hello [MASK] world!", "中文 日本語 한국어 😀", "naïve café",
                                    "x" * 300, "word " * 400, "$\\int_0^1 x^2\\,dx = 1/3$", "def f(): pass", "?!"]]
    # all-MiniLM-L6-v2's modules, built explicitly: the cached folder has no modules.json, and without one
    # sentence-transformers (5.x) builds a plain model that reads 512 tokens.
    word = models.Transformer(os.path.join(HOME, "models/minilm"), max_seq_length=256)
    model = SentenceTransformer(modules=[word, models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean"),
                                         models.Normalize()], device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    vectors = model.encode([t for _, t in items], batch_size=32, normalize_embeddings=False,
                           convert_to_numpy=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "passages.jsonl"), "w", encoding="utf-8") as f:
        for domain, text in items:
            f.write(json.dumps({"domain": domain, "text": text}, ensure_ascii=False) + "\n")
    vectors.astype("<f2").tofile(os.path.join(OUT, "vectors.f16"))
    print(len(items), "passages", vectors.shape, "norms", float(np.linalg.norm(vectors, axis=1).min()))


if __name__ == "__main__":
    main()
