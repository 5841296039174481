#!/usr/bin/env python3
"""Writes the WordPiece golden corpus: varied strings and HF `tokenizers`' ids for all-MiniLM-L6-v2.

Truncation at 256 ids and no padding, as sentence-transformers runs the model (tokenizer.json's own
128 truncation and padding are not the reference behaviour, see DATA.md).

Run:  /tmp/peers/bin/python Tests/Fixtures/reference/make_wordpiece_golden.py
Output: Tests/CitedTokenizerTests/Fixtures/wordpiece/golden.jsonl, one object per line:
  {"text": str, "ids": [int] (truncated to 256), "count": int (untruncated, with [CLS]/[SEP])}
  or {"repeat": str, "times": int, ...} for very long inputs (the test rebuilds text = repeat * times).
"""
import glob, gzip, json, os, random, re
import xml.etree.ElementTree as ET
import tokenizers

HOME = os.path.expanduser(os.environ.get("CITED_HOME", "~/.cache/cited"))
MODEL = os.path.join(HOME, "models/minilm/tokenizer.json")
OUT = os.path.join(os.path.dirname(__file__), "../../CitedTokenizerTests/Fixtures/wordpiece/golden.jsonl")
rng = random.Random(1298)


def pubmed_sentences(limit):
    out = []
    path = os.path.join(HOME, "corpora/pubmed/pubmed21n1298.xml.gz")
    with gzip.open(path) as f:
        for _, el in ET.iterparse(f):
            if el.tag in ("AbstractText", "ArticleTitle"):
                text = "".join(el.itertext()).strip()
                if text:
                    out.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if s)
            if el.tag == "PubmedArticle":
                el.clear()
            if len(out) > limit * 20:
                break
    rng.shuffle(out)
    return out[:limit]


def lines_from(pattern, limit, min_len=1):
    files = sorted(glob.glob(pattern, recursive=True))
    rng.shuffle(files)
    out = []
    for path in files[:200]:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = [l.rstrip("\n") for l in f if len(l.strip()) >= min_len]
        except OSError:
            continue
        out.extend(rng.sample(lines, min(len(lines), 4)))
        if len(out) >= limit:
            break
    return out[:limit]


def paragraphs(pattern, limit):
    files = sorted(glob.glob(pattern, recursive=True))
    rng.shuffle(files)
    out = []
    for path in files[:100]:
        with open(path, encoding="utf-8", errors="replace") as f:
            paras = [p for p in f.read().split("\n\n") if len(p) > 200]
        out.extend(rng.sample(paras, min(len(paras), 2)))
        if len(out) >= limit:
            break
    return out[:limit]


RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
          (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x1E00, 0x1FFF), (0x2000, 0x206F),
          (0x2190, 0x23FF), (0x2E00, 0x2E7F), (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
          (0xAC00, 0xD7A3), (0xE000, 0xE0FF), (0xF900, 0xFAFF), (0xFB00, 0xFB4F), (0xFE00, 0xFFFF),
          (0x10000, 0x1013F), (0x11000, 0x11FFF), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF),
          (0x20000, 0x2A6DF), (0x2B800, 0x2B9FF), (0x2F800, 0x2FA1F), (0xE0000, 0xE007F), (0x0, 0x1F)]


def random_unicode(n):
    out = []
    for _ in range(n):
        length = rng.randint(1, 40)
        chars = []
        for _ in range(length):
            lo, hi = rng.choice(RANGES)
            cp = rng.randint(lo, hi)
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0x41
            chars.append(chr(cp))
            if rng.random() < 0.2:
                chars.append(" ")
        out.append("".join(chars))
    return out


HANDWRITTEN = [
    "", " ", "   \t\n  ", "\n", "a", "A", "hello world", "Hello, World!", "[CLS]", "[SEP]", "[MASK]", "[PAD]",
    "[UNK]", "a[SEP]b", "hello [MASK] world", "[cls] lower-case is not special", "[[CLS]]", "[SEP[SEP]]",
    "naïve café résumé", "Crème brûlée à la façon", "e\u0301 vs é", "A\u030A vs Å vs \u212B", "ﬁnance ﬂow",
    "ΣΊΣΥΦΟΣ ΟΔΥΣΣΕΥΣ", "İstanbul ıi İI", "Straße STRASSE ẞ", "ǅemal ǈ ǋ", "Ⅻ ⅻ ①②③", "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ",
    "中文分词测试，这是一个句子。", "日本語のテキストです。カタカナ", "한국어 텍스트 입니다", "ไทย ภาษา", "हिन्दी पाठ",
    "العربية نص", "עברית טקסט", "Русский текст, Ёлка", "𠀀𠀁𪚲 𫝀 𬺰", "emoji 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️", "🥹🫠🪿",
    "zero\u200bwidth\u200cjoin\u200dner\ufeffbom", "nbsp\u00a0here\u2028line\u2029para", "tab\there\r\nCRLF",
    "nul\x00char", "bell\x07 esc\x1b[0m", "replacement \ufffd char", "private \ue000\uf8ff use", "unassigned \u0378 \U000e0001",
    "soft\u00adhyphen", "math 𝑥 𝐀 𝔸 ℝ ℕ ∀x∈ℝ: x²≥0", "x₁ + x₂ = y³", "½ ¼ ¾ ‰ ‱", "— – ‐ ‒ … « » “quoted” ‘single’",
    "$\\frac{a}{b} + \\sqrt{x^2 + y^2} = \\int_0^\\infty e^{-x}\\,dx$", "\\begin{align} a &= b \\\\ c &= d \\end{align}",
    "def f(x: int) -> int:\n    return x ** 2  # square", "for (int i = 0; i < n; ++i) { a[i] += b[i]; }",
    "SELECT * FROM passage WHERE id = 42;", "https://pubmed.ncbi.nlm.nih.gov/34567890/?term=covid-19",
    "user@example.com", "C++ C# F# .NET node.js", "α-synuclein β2-adrenergic γ-aminobutyric IL-1β TNF-α",
    "SARS-CoV-2 mRNA-1273 BNT162b2 (95% CI, 0.12–0.34; P<0.001)", "≥18 years, ≤65 kg/m², ±SD, μg/mL, 37 °C",
    "a" * 100, "a" * 101, "b" * 250, "supercalifragilisticexpialidocious" * 3, "antidisestablishmentarianism",
    "x" + "\u0301" * 120, "Ǆ\u0301\u0327", "\u0301leading combining", "ﷺ ﷽", "\U0001D165\U0001D16E", "\U00011938",
    "ǰ ẖ ẘ ẙ ẚ", "Ϊ́ ΰ ΐ", "ﾊﾝｶｸ ｶﾀｶﾅ", "㍿ ㌀ ㏒", "Ⓐⓑ🅐", "Å Ω K", "the quick brown fox jumps over the lazy dog",
]


def main():
    texts = list(HANDWRITTEN)
    texts += pubmed_sentences(900)
    texts += lines_from("/usr/share/doc/python3.11/html/_sources/**/*.rst.txt", 350, 3)
    texts += lines_from("/usr/share/doc/python-sympy-doc/html/_sources/**/*.txt", 300, 3)
    texts += lines_from("/usr/lib/python3.11/**/*.py", 200, 3)
    texts += paragraphs("/usr/share/doc/python3.11/html/_sources/**/*.rst.txt", 60)
    texts += random_unicode(250)
    long_inputs = [("The patient presented with acute myocardial infarction. ", 20000),
                   ("数学", 30000), ("ünïcödé ", 5000), ("x" * 99 + " ", 3000), ("[SEP]", 400)]

    tok = tokenizers.Tokenizer.from_file(MODEL)
    tok.no_padding()
    full = tokenizers.Tokenizer.from_file(MODEL)
    full.no_padding()
    full.no_truncation()
    tok.enable_truncation(256)

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        for text in texts:
            ids = tok.encode(text).ids
            count = len(full.encode(text).ids)
            f.write(json.dumps({"text": text, "ids": ids, "count": count}, ensure_ascii=False) + "\n")
        for piece, times in long_inputs:
            text = piece * times
            ids = tok.encode(text).ids
            count = len(full.encode(text).ids)
            f.write(json.dumps({"repeat": piece, "times": times, "ids": ids, "count": count},
                               ensure_ascii=False) + "\n")
    print(f"{len(texts) + len(long_inputs)} strings -> {OUT}")


if __name__ == "__main__":
    main()
