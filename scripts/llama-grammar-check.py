"""Runs texts through llama.cpp's own grammar sampler, token by token, and prints as JSON for each text its
token ids, the index of the first token the grammar bars (-1: none) and whether the end of text (EOS) may
follow. Input on standard input: {"grammar": GBNF, "texts": [...]}; the GGUF file (for its tokenizer) is the
only argument. This is the check llama_cpp.server makes when a request carries `grammar`."""
import ctypes
import json
import sys

import llama_cpp
from llama_cpp import Llama


def allowed(sampler, token):
    """Whether the grammar, in its current state, lets `token` come next."""
    data = (llama_cpp.llama_token_data * 1)(llama_cpp.llama_token_data(token, 0.0, 0.0))
    candidates = llama_cpp.llama_token_data_array(data=data, size=1, selected=-1, sorted=False)
    llama_cpp.llama_sampler_apply(sampler, ctypes.byref(candidates))
    return data[0].logit != float("-inf")


def main():
    request = json.load(sys.stdin)
    llm = Llama(model_path=sys.argv[1], vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    eos = llama_cpp.llama_vocab_eos(vocab)
    results = []
    for text in request["texts"]:
        tokens = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        sampler = llama_cpp.llama_sampler_init_grammar(vocab, request["grammar"].encode("utf-8"), b"root")
        if not sampler:
            sys.exit("the grammar does not parse")
        rejected = -1
        for index, token in enumerate(tokens):
            if not allowed(sampler, token):
                rejected = index
                break
            llama_cpp.llama_sampler_accept(sampler, token)
        end = rejected == -1 and allowed(sampler, eos)
        llama_cpp.llama_sampler_free(sampler)
        results.append({"tokens": tokens, "rejected": rejected, "eos": end})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
