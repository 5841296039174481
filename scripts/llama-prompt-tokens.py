"""Prints, as JSON, the prompt llama-cpp-python's OpenAI-compatible server would run for one chat request:
the chat format it picked, the token ids it would feed the model and their text. The request is read as JSON
({"system": ..., "user": ...}) from standard input; the GGUF file is the only argument.

The tokens are caught where the chat handler hands them to Llama.create_completion, which is what
llama_cpp.server calls for /v1/chat/completions, so the template, BOS handling and special-token parsing are
the server's own."""
import json
import sys

from llama_cpp import Llama


class Caught(Exception):
    pass


def main():
    request = json.load(sys.stdin)
    llm = Llama(model_path=sys.argv[1], n_ctx=4096, verbose=False)
    caught = {}

    def create_completion(prompt, **options):
        caught["tokens"] = [int(token) for token in prompt]
        raise Caught()

    llm.create_completion = create_completion
    messages = [{"role": "system", "content": request["system"]}, {"role": "user", "content": request["user"]}]
    try:
        llm.create_chat_completion(messages=messages, max_tokens=1)
    except Caught:
        pass
    text = llm.detokenize(caught["tokens"], special=True).decode("utf-8")
    print(json.dumps({"chat_format": llm.chat_format, "tokens": caught["tokens"], "text": text}))


if __name__ == "__main__":
    main()
