#!/usr/bin/env python3
"""sentence-transformers on the same passages (2 threads, after one warm-up batch).

Prints: passages/s, passages per CPU second, mean tokens per passage."""
import os, sys, time
import torch
from sentence_transformers import SentenceTransformer, models

threads = int(os.environ.get("THREADS", "2"))
torch.set_num_threads(threads)
home = os.path.expanduser(os.environ.get("CITED_HOME", "~/.cache/cited"))
passages = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
# all-MiniLM-L6-v2 as published: BERT read to 256 tokens, mean pooling, L2 norm. The cached folder has no
# modules.json, and without one sentence-transformers builds a plain model that reads 512 tokens.
folder = os.path.join(home, "models/minilm")
word = models.Transformer(folder, max_seq_length=256)
model = SentenceTransformer(modules=[word, models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean"),
                                     models.Normalize()], device="cpu")
model.encode(passages[:32], batch_size=32)
start, cpu_start = time.perf_counter(), time.process_time()
vectors = model.encode(passages, batch_size=32, convert_to_numpy=True)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
tokens = sum(len(model.tokenizer(p, truncation=True, max_length=256)["input_ids"]) for p in passages)
print(f"{len(passages) / seconds:.1f} {len(passages) / cpu:.2f} {tokens / len(passages):.0f}")
if len(sys.argv) > 2:
    vectors.astype("float32").tofile(sys.argv[2])
