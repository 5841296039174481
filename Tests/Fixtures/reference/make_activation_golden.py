"""Per-layer hidden states from llama.cpp (llama-cpp-python) for a short prompt and one decoded token.

Run by hand:  /tmp/peers/bin/python Tests/Fixtures/reference/make_activation_golden.py [model-name...]
Writes Tests/CitedGenerateTests/Fixtures/activations-<model>.json: the prompt ids, the decoded id, and for
each of the two steps the output of every layer (`l_out-N`) for the last token, as base64 of little-endian float32,
captured with llama.cpp's graph callback (cb_eval). A 9-token prompt takes llama.cpp's batched kernels
(tinyBLAS, the tiled K-quant matmul, the repacked Q4_K GEMM); the decoded token takes its one-token paths.
"""
import base64, ctypes, json, os, sys
import numpy as np
import llama_cpp as L

HOME = os.environ.get("CITED_HOME", os.path.expanduser("~/.cache/cited"))
MODELS = {
    "smollm2-135m": "smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf",
    "qwen2.5-coder-0.5b": "qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen2.5-coder-1.5b": "qwen2.5-coder-1.5b/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
}
OUT = os.path.join(os.path.dirname(__file__), "../../CitedGenerateTests/Fixtures")
PROMPT = "The patient was given 5 mg of olanzapine intravenously"

ggml = ctypes.CDLL(os.path.join(os.path.dirname(L.__file__), "lib", "libggml-base.so"))
ggml.ggml_get_name.restype = ctypes.c_char_p
ggml.ggml_get_name.argtypes = [ctypes.c_void_p]
ggml.ggml_get_data.restype = ctypes.c_void_p
ggml.ggml_get_data.argtypes = [ctypes.c_void_p]
ggml.ggml_nelements.restype = ctypes.c_int64
ggml.ggml_nelements.argtypes = [ctypes.c_void_p]
ggml.ggml_is_contiguous.restype = ctypes.c_bool
ggml.ggml_is_contiguous.argtypes = [ctypes.c_void_p]

captured = {}


def on_tensor(t, ask, _):
    name = ggml.ggml_get_name(t).decode()
    if not name.startswith("l_out-"):
        return ask or True
    if ask:
        return True
    assert ctypes.cast(t, ctypes.POINTER(ctypes.c_int32))[0] == 0 and ggml.ggml_is_contiguous(t), name
    n = ggml.ggml_nelements(t)
    data = np.ctypeslib.as_array(ctypes.cast(ggml.ggml_get_data(t), ctypes.POINTER(ctypes.c_float)), shape=(n,))
    captured[name] = data.copy()
    return True


def last_rows(width, layers):
    return [base64.b64encode(captured[f"l_out-{i}"][-width:].astype("<f4").tobytes()).decode() for i in range(layers)]


def run(name):
    callback = L.ggml_backend_sched_eval_callback(on_tensor)
    L.llama_backend_init()
    model = L.llama_model_load_from_file(f"{HOME}/models/{MODELS[name]}".encode(), L.llama_model_default_params())
    params = L.llama_context_default_params()
    params.n_ctx, params.n_batch, params.n_ubatch = 4096, 512, 512
    params.n_threads = params.n_threads_batch = 2
    params.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
    params.cb_eval = callback
    ctx = L.llama_init_from_model(model, params)
    vocab = L.llama_model_get_vocab(model)
    text = PROMPT.encode()
    buf = (L.llama_token * 64)()
    n = L.llama_tokenize(vocab, text, len(text), buf, 64, True, True)
    ids = list(buf[:n])
    width, layers = L.llama_model_n_embd(model), L.llama_model_n_layer(model)
    steps = []
    batch = (L.llama_token * len(ids))(*ids)
    assert L.llama_decode(ctx, L.llama_batch_get_one(batch, len(ids))) == 0
    logits = np.ctypeslib.as_array(L.llama_get_logits_ith(ctx, -1), shape=(L.llama_vocab_n_tokens(vocab),))
    nxt = int(np.argmax(logits))
    steps.append(last_rows(width, layers))
    captured.clear()
    one = (L.llama_token * 1)(nxt)
    assert L.llama_decode(ctx, L.llama_batch_get_one(one, 1)) == 0
    steps.append(last_rows(width, layers))
    with open(f"{OUT}/activations-{name}.json", "w") as f:
        json.dump({"model": name, "prompt_ids": ids, "next_id": nxt, "width": width, "layers": layers,
                   "steps": steps}, f)
    print(name, len(ids), "prompt tokens, next", nxt, file=sys.stderr)


if __name__ == "__main__":
    for n in sys.argv[1:] or ["smollm2-135m", "qwen2.5-coder-0.5b"]:
        run(n)
