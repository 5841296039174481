#!/usr/bin/env python3
"""A small OpenAI-compatible /v1/embeddings server on sentence-transformers, for Cited's endpoint tests.

Serves one SentenceTransformer model (the MiniLM checkpoint folder from Cited's model cache by default)
on loopback: POST /v1/embeddings {"model", "input": str | [str]} -> {"data": [{"index", "embedding"}]}.
Vectors are returned as the model makes them (mean pooling, then the Normalize module when the folder
has one); Cited normalises them itself. Prints "listening on PORT" once the model is loaded.
Usage: python scripts/embeddings-server.py --model-dir ~/.cache/cited/models/minilm --port 0
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from sentence_transformers import SentenceTransformer, models  # noqa: E402
import torch  # noqa: E402


def load(folder, max_seq_length):
    """The folder as sentence-transformers would load it; a bare BERT folder gets mean pooling."""
    if os.path.exists(os.path.join(folder, "modules.json")):
        model = SentenceTransformer(folder, device="cpu")
    else:
        word = models.Transformer(folder, max_seq_length=max_seq_length)
        pooling = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[word, pooling, models.Normalize()], device="cpu")
    model.max_seq_length = max_seq_length
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--name", default="all-MiniLM-L6-v2", help="the model name the server answers to")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seq-length", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--exit-with-stdin", action="store_true", help="exit when standard input closes (a test's pipe)")
    args = parser.parse_args()
    if args.exit_with_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    torch.set_num_threads(args.threads)
    model = load(os.path.expanduser(args.model_dir), args.max_seq_length)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if not self.path.rstrip("/").endswith("/embeddings"):
                return self.reply(404, {"error": {"message": "not found"}})
            try:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            except ValueError:
                return self.reply(400, {"error": {"message": "body is not JSON"}})
            if request.get("model") not in (None, args.name):
                return self.reply(404, {"error": {"message": f"model {request.get('model')!r} is not served"}})
            texts = request.get("input")
            texts = [texts] if isinstance(texts, str) else texts
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                return self.reply(400, {"error": {"message": "input is a string or a list of strings"}})
            with lock:
                vectors = model.encode(texts, batch_size=32, convert_to_numpy=True)
            self.reply(200, {"object": "list", "model": args.name,
                             "data": [{"object": "embedding", "index": i, "embedding": v.tolist()}
                                      for i, v in enumerate(vectors)],
                             "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
