"""Greedy 64-token continuations from llama.cpp (llama-cpp-python) on the same GGUF files.

Run by hand:  /tmp/peers/bin/python Tests/Fixtures/reference/make_generate_golden.py [model-name...]
Writes Tests/CitedGenerateTests/Fixtures/generate-golden-<model>.json with, per prompt: the prompt text,
whether it is a chat prompt (rendered with the GGUF's own Jinja chat template), llama.cpp's prompt ids,
its greedy ids, the top-2 logit gap at every step, and for the first step a sample of logits
(top 500 and 500 fixed random ids) to report the max abs difference.
"""
import gzip, json, os, re, sys
import jinja2
import numpy as np
import llama_cpp

HOME = os.environ.get("CITED_HOME", os.path.expanduser("~/.cache/cited"))
MODELS = {
    "smollm2-135m": "smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen2.5-coder-0.5b": "qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen2.5-coder-1.5b": "qwen2.5-coder-1.5b/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
}
OUT = os.path.join(os.path.dirname(__file__), "../../CitedGenerateTests/Fixtures")
STEPS = 64


def long_context():
    with gzip.open(f"{HOME}/corpora/pubmed/pubmed20n0014.xml.gz", "rt", encoding="utf-8") as f:
        head = f.read(3_000_000)
    texts = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<AbstractText[^>]*>(.*?)</AbstractText>", head, re.S)]
    out = ""
    for t in texts:
        if len(out) > 4300:
            break
        out += t.strip() + "\n\n"
    return out + "Question: what is the main finding of the first abstract above?\nAnswer:"


PROMPTS = [
    ("The capital of France is", False),
    ("What are the common symptoms of iron deficiency anemia?", True),
    ('def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n', False),
    ("Explain what a Python decorator is, with a short example.", True),
    (long_context(), False),
    ("Solve for x: 2x + 6 = 14. Show your steps.", True),
]


def render_chat(llm, text):
    tmpl = llm.metadata["tokenizer.chat_template"]
    env = jinja2.Environment(loader=jinja2.BaseLoader(), trim_blocks=False, lstrip_blocks=False)
    return env.from_string(tmpl).render(messages=[{"role": "user", "content": text}], add_generation_prompt=True)


def run(name):
    path = f"{HOME}/models/{MODELS[name]}"
    llm = llama_cpp.Llama(model_path=path, n_ctx=4096, n_batch=512, n_threads=2, logits_all=False, verbose=False)
    rng = np.random.default_rng(7)
    cases = []
    for text, chat in PROMPTS:
        prompt = render_chat(llm, text) if chat else text
        ids = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        llm.reset()
        llm.eval(ids)
        out, gaps, first = [], [], None
        for step in range(STEPS):
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()
            order = np.argsort(-logits, kind="stable")
            if step == 0:
                sample = list(order[:500]) + list(rng.choice(len(logits), 500, replace=False))
                first = {"ids": [int(i) for i in sample], "logits": [float(logits[i]) for i in sample]}
            tok = int(order[0])
            gaps.append(float(logits[order[0]] - logits[order[1]]))
            if tok == llm.token_eos() or tok in (151645, 151643):
                out.append(tok)
                break
            out.append(tok)
            llm.eval([tok])
        cases.append({"prompt": text, "chat": chat, "prompt_ids": ids, "greedy_ids": out, "top2_gaps": gaps,
                      "first_step": first})
        print(name, len(ids), "prompt tokens ->", len(out), "tokens; min gap", min(gaps), file=sys.stderr)
    with open(f"{OUT}/generate-golden-{name}.json", "w", encoding="utf-8") as f:
        json.dump({"model": name, "file": MODELS[name], "steps": STEPS, "cases": cases}, f, ensure_ascii=False)


if __name__ == "__main__":
    for n in sys.argv[1:] or ["smollm2-135m", "qwen2.5-coder-0.5b"]:
        run(n)
