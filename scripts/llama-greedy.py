"""Greedy decoding of chat prompts by llama.cpp in this process, as llama_cpp.server would run them: the chat
handler's own prompt tokens (template, special tokens), then plain argmax steps (no penalty, no grammar).
Prints, as JSON, for each prompt the generated token ids, their text and the top-2 logit gap at every step.
Input on standard input: {"prompts": [{"system": ..., "user": ..., "history": [[user, assistant], ...]}],
"tokens": N, "threads": T} (history optional: earlier exchanges, such as a worked example); the GGUF
file is the only argument. The reference the endpoint tests hold the server's stream to, and against which
they read the local engine's divergences (a near-tie flipped by numerics, or not)."""
import json
import sys

import numpy as np

import llama_cpp
from llama_cpp import Llama


class Caught(Exception):
    pass


def prompt_tokens(llm, system, user, history=()):
    """The ids the server's chat handler hands to create_completion for this request."""
    caught = {}
    original = llm.create_completion

    def create_completion(prompt, **options):
        caught["tokens"] = [int(token) for token in prompt]
        raise Caught()

    llm.create_completion = create_completion
    try:
        messages = [{"role": "system", "content": system}]
        for asked, answered in history:
            messages += [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}]
        llm.create_chat_completion(messages=messages + [{"role": "user", "content": user}], max_tokens=1)
    except Caught:
        pass
    llm.create_completion = original
    return caught["tokens"]


def main():
    request = json.load(sys.stdin)
    # n_ctx, n_batch and threads as the test server runs (llama_cpp.server's n_batch default is 512).
    llm = Llama(model_path=sys.argv[1], n_ctx=4096, n_batch=512, n_threads=request.get("threads", 2),
                n_threads_batch=request.get("threads", 2), verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    results = []
    for prompt in request["prompts"]:
        tokens = prompt_tokens(llm, prompt["system"], prompt["user"], prompt.get("history", []))
        llm.reset()
        llm.eval(tokens)
        ids, gaps = [], []
        for _ in range(request["tokens"]):
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1),
                                           shape=(llm.n_vocab(),)).copy()
            order = np.argsort(-logits, kind="stable")[:2]
            token = int(order[0])
            gaps.append(float(logits[order[0]] - logits[order[1]]))
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                break
            ids.append(token)
            llm.eval([token])
        results.append({"prompt_tokens": len(tokens), "ids": ids, "gaps": gaps,
                        "text": llm.detokenize(ids).decode("utf-8", errors="replace")})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
