"""Golden token ids for the byte-level BPE tokenizer, from llama.cpp (llama-cpp-python, vocab only).

Run by hand:  /tmp/peers/bin/python Tests/Fixtures/reference/make_tokenizer_golden.py
Writes Tests/CitedModelTests/Fixtures/gguf/tokenizer-golden.json: the strings and, per vocabulary,
llama.cpp's ids for `tokenize(text, add_bos=True, special=True)`.
"""
import glob, gzip, json, os, random, re, sys
import llama_cpp

HOME = os.environ.get("CITED_HOME", os.path.expanduser("~/.cache/cited"))
MODELS = {
    "smollm2-135m": f"{HOME}/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen2.5-coder-0.5b": f"{HOME}/models/qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
}
OUT = os.path.join(os.path.dirname(__file__), "../../CitedModelTests/Fixtures/gguf/tokenizer-golden.json")
rng = random.Random(1298)


def pubmed_sentences(limit):
    out = []
    with gzip.open(f"{HOME}/corpora/pubmed/pubmed21n1298.xml.gz", "rt", encoding="utf-8") as f:
        for m in re.finditer(r"<AbstractText[^>]*>(.*?)</AbstractText>", f.read(30_000_000), re.S):
            text = re.sub(r"<[^>]+>", "", m.group(1))
            for s in re.split(r"(?<=[.!?])\s+", text):
                if 20 <= len(s) <= 400:
                    out.append(s)
            if len(out) > limit * 5:
                break
    return rng.sample(out, limit)


def doc_lines(limit):
    files = sorted(glob.glob("/usr/share/doc/python3.11/html/_sources/library/*.rst.txt"))
    lines = []
    for path in rng.sample(files, 60):
        with open(path, encoding="utf-8") as f:
            content = f.read()
        ls = [l for l in content.split("\n") if l.strip()]
        lines += ls
        # multi-line blocks with indentation, blank lines and trailing spaces
        start = rng.randrange(max(1, len(content) - 600))
        lines.append(content[start:start + rng.randrange(50, 600)])
    return rng.sample(lines, limit)


LATEX = [r"$\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}$", r"\begin{align} a^2 + b^2 &= c^2 \\ x_{n+1} &= x_n - \frac{f(x_n)}{f'(x_n)} \end{align}",
         r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}", r"Let $\mathbf{A} \in \mathbb{R}^{m\times n}$ and $\|x\|_2 \le 1$.",
         r"\lim_{h\to 0}\frac{f(x+h)-f(x)}{h}", r"$$\nabla \cdot \vec{E} = \frac{\rho}{\varepsilon_0}$$", r"\alpha\beta\gamma \to \Omega(n \log n)"]
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🧬🔬💊", "✅ done", "🤖: hello"]
CJK = ["中文分词测试", "日本語のテキストです。", "한국어 문장입니다.", "混合 text 与 English 123", "北京是中国的首都。", "漢字かなカナ"]
ACCENTS = ["café", "cafe\u0301", "naïve résumé", "Ångström", "e\u0301e\u0300e\u0302", "Zürich Straße", "ñandú", "ﬁ ligature", "İstanbul"]
SPECIAL = ["<|im_start|>user\nHi<|im_end|>\n", "<|endoftext|>", "a<|im_end|>b", "<|im_start|>", "<think>x</think>", "<|fim_prefix|>def<|fim_suffix|>"]
WS = ["", " ", "  ", "\n", "\n\n", "\t", " \t \n ", "a  b", "a   b    c", "   leading", "trailing   ", "\r\n", "x\r\ny", "line1\n\n\nline2", "\u00a0nbsp", "\u3000ideographic", "tab\tsep\tvalues"]
DIGITS = ["0", "12", "123", "1234", "3.14159", "1,000,000", "2021-03-04", "v1.2.3", "٣٤٥", "Ⅻ", "½ + ¼", "10⁻³", "COVID-19", "p < 0.001", "95% CI 1.2-3.4", "n=1234"]
CONTRACTIONS = ["I'm", "you're", "it's", "they've", "we'll", "he'd", "DON'T", "I'M", "O'Neil's", "'s", "''", "rock 'n' roll"]


def mutations(base):
    out = []
    for s in base:
        out.append(s)
        out.append(" " + s)
        out.append(s.upper())
        out.append(s + "\n")
    return out


def build():
    strings = []
    strings += pubmed_sentences(900)
    strings += doc_lines(700)
    strings += mutations(LATEX + EMOJI + CJK + ACCENTS + SPECIAL + WS + DIGITS + CONTRACTIONS)
    pool = "".join(LATEX + EMOJI + CJK + ACCENTS + WS + DIGITS) + "abc XYZ ()[]{}!?.,;:'\"-_=+*/\\|@#$%^&~`<>"
    for _ in range(250):  # random mixtures
        n = rng.randrange(1, 40)
        strings.append("".join(rng.choice(pool) for _ in range(n)))
    strings.append(" ".join(pubmed_sentences(40)) * 2)  # long
    strings.append("x" * 3000)
    strings.append("ab " * 1500)
    strings.append("\n" * 50 + "    " * 30)
    seen, uniq = set(), []
    for s in strings:
        if s not in seen:
            seen.add(s)
            uniq.append(s)
    return uniq


def main():
    strings = build()
    golden = {"strings": strings, "ids": {}}
    for name, path in MODELS.items():
        llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
        golden["ids"][name] = [llm.tokenize(s.encode("utf-8"), add_bos=True, special=True) for s in strings]
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(strings)} strings -> {OUT}")


if __name__ == "__main__":
    main()
