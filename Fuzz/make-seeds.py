#!/usr/bin/env python3
"""Writes the binary seed inputs of the fuzz corpora (tiny GGUF and safetensors files); run by hand.

Named without .gguf/.safetensors, which .gitignore keeps out of the repository (model weights).

GGUF layout: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md; safetensors: an 8-byte little-endian
header length, a JSON header, then the data section. The text seeds are cut from test fixtures (see README).
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_value(kind, value):
    """A typed GGUF value: 4 u32, 5 i32, 6 f32, 7 bool, 8 string, 9 array of (item kind, items)."""
    if kind == 4:
        return struct.pack("<I", value)
    if kind == 5:
        return struct.pack("<i", value)
    if kind == 6:
        return struct.pack("<f", value)
    if kind == 7:
        return struct.pack("<?", value)
    if kind == 8:
        return gguf_string(value)
    if kind == 9:
        item, items = value
        return struct.pack("<IQ", item, len(items)) + b"".join(gguf_value(item, v) for v in items)
    raise ValueError(kind)


def gguf(metadata, tensors, alignment=32):
    """metadata: [(key, kind, value)]; tensors: [(name, dims, ggml type, data bytes)]."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, kind, value in metadata:
        out += gguf_string(key) + struct.pack("<I", kind) + gguf_value(kind, value)
    offset = 0
    offsets = []
    for name, dims, ggml_type, data in tensors:
        offsets.append(offset)
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", ggml_type, offset)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for (_, _, _, data), start in zip(tensors, offsets):
        out += data + b"\0" * (-len(data) % alignment)
    return out


def write(folder, name, data):
    path = os.path.join(HERE, "Corpus", folder, name)
    with open(path, "wb") as f:
        f.write(data)
    print(path, len(data))


# A byte-level BPE vocabulary: the printable bytes as GPT-2 shows them, two merges, specials.
tokens = [chr(c) for c in range(0x21, 0x7F)] + ["Ġ", "Ċ", "Ġt", "he", "<|endoftext|>", "<|im_start|>"]
kinds = [1] * (len(tokens) - 2) + [3, 3]
tokenizer = [
    ("tokenizer.ggml.model", 8, "gpt2"),
    ("tokenizer.ggml.pre", 8, "smollm"),
    ("tokenizer.ggml.tokens", 9, (8, tokens)),
    ("tokenizer.ggml.token_type", 9, (5, kinds)),
    ("tokenizer.ggml.merges", 9, (8, ["Ġ t", "h e"])),
    ("tokenizer.ggml.bos_token_id", 4, len(tokens) - 1),
    ("tokenizer.ggml.eos_token_id", 4, len(tokens) - 2),
    ("tokenizer.ggml.add_bos_token", 7, False),
    ("tokenizer.chat_template", 8, "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}{% endfor %}"),
]
llama = [
    ("general.architecture", 8, "llama"),
    ("general.alignment", 4, 32),
    ("llama.context_length", 4, 64),
    ("llama.embedding_length", 4, 32),
    ("llama.feed_forward_length", 4, 64),
    ("llama.block_count", 4, 1),
    ("llama.attention.head_count", 4, 2),
    ("llama.attention.head_count_kv", 4, 1),
    ("llama.attention.layer_norm_rms_epsilon", 6, 1e-5),
    ("llama.rope.freq_base", 6, 10000.0),
    ("llama.vocab_size", 4, len(tokens)),
]
f32 = lambda n: struct.pack(f"<{n}f", *[i / 8 for i in range(n)])
q8_0 = struct.pack("<e", 0.5) + bytes(range(32))  # one Q8_0 block: f16 scale, 32 int8
write("gguf", "tokenizer-seed", gguf(tokenizer + llama, [("output_norm.weight", [32], 0, f32(32)),
                                                        ("token_embd.weight", [32, 2], 8, q8_0 * 2)]))
write("gguf", "tensors-seed", gguf([("general.alignment", 4, 64)],
                                   [("a", [4, 2], 0, f32(8)), ("b", [32], 1, b"\0\x3c" * 32)], alignment=64))


def safetensors(header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


write("safetensors", "two-seed", safetensors({
    "__metadata__": {"format": "pt"},
    "embeddings.weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
    "bias": {"dtype": "F16", "shape": [4], "data_offsets": [24, 32]},
    "norm": {"dtype": "BF16", "shape": [2], "data_offsets": [32, 36]},
}, f32(6) + b"\0\x3c" * 4 + b"\x80\x3f" * 2))
write("safetensors", "empty-seed", safetensors({"x": {"dtype": "F64", "shape": [0], "data_offsets": [0, 0]}}, b""))
