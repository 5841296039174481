"""How far this llama.cpp build (the test venv's llama-cpp-python) is from the reference build the golden
transcripts were made with (Tests/Fixtures/reference/make_generate_golden.py), which Cited's engine reproduces
exactly: per golden prompt, the first-step max |logit difference| over the golden's sampled ids and whether the
greedy transcript is the same. Run by hand:
  "$(scripts/test-venv.sh)/bin/python" scripts/llama-golden-check.py GGUF GOLDEN.json [N_BATCH]"""
import json
import sys

import numpy as np

import llama_cpp


def main():
    golden = json.load(open(sys.argv[2], encoding="utf-8"))
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=4096, n_batch=batch, n_ubatch=batch, n_threads=2, verbose=False)

    def logits():
        return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).copy()

    for n, case in enumerate(golden["cases"]):
        llm.reset()
        llm.eval(case["prompt_ids"])
        first = logits()
        difference = max(abs(first[i] - v) for i, v in zip(case["first_step"]["ids"], case["first_step"]["logits"]))
        out = []
        for step, expected in enumerate(case["greedy_ids"]):
            token = int(np.argmax(logits() if step else first))
            out.append(token)
            if token != expected:
                break
            llm.eval([token])
        print(json.dumps({"case": n, "prompt_tokens": len(case["prompt_ids"]), "first_step_max_abs_diff": float(difference),
                          "same_greedy": out == case["greedy_ids"], "steps_agreed": len(out) - (out != case["greedy_ids"])}))
    print(json.dumps({"llama_cpp_python": llama_cpp.__version__, "n_batch": batch,
                      "system_info": llama_cpp.llama_print_system_info().decode()}))


if __name__ == "__main__":
    main()
