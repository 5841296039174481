#!/usr/bin/env python3
"""A loopback OpenAI-compatible server that misbehaves on purpose, for Cited's endpoint fault tests.

Python standard library only. The first path segment picks the behaviour, so one server serves every
case: base_url = http://127.0.0.1:PORT/MODE/v1. Prints "listening on PORT" once ready; GET /stats
returns the number of requests each mode received (so a test can count retries).

Modes (for POST .../chat/completions, streamed as server-sent events; "ok" also serves .../embeddings):
  ok          the answer ANSWER, in small chunks, then [DONE]
  slow        sleeps 30 s before answering (longer than any test's timeout_s)
  stall       sends one chunk, then sleeps 30 s mid-stream
  e500        always HTTP 500
  e500once    HTTP 500 on the first request of the mode, then as "ok"
  r429        HTTP 429 with Retry-After: 1 on the first request, then as "ok"
  r429long    HTTP 429 with Retry-After: 3600 (longer than Cited waits)
  malformed   a stream event that is not JSON
  cut         two chunks of text, then the connection closes without [DONE]
  cutearly    the first request closes before any text; the next is answered as "ok"
  foreign     an answer citing passage [9], which no test gives
  e400        HTTP 400 with an OpenAI error body (not retried)
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "The sky is blue [1]. Water is wet [2]."
FOREIGN = "The sky is blue [1]. Water is wet [9]."

counts = {}
lock = threading.Lock()


def count(mode):
    with lock:
        counts[mode] = counts.get(mode, 0) + 1
        return counts[mode]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Each event is its own small write: without this, Nagle's algorithm holds them for the client's
        # delayed ACK (40 ms), as no real streaming server does.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                self.send_json(200, dict(counts))
        else:
            self.send_json(404, {"error": {"message": "not found"}})

    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def event(self, content=None, finish=None):
        delta = {} if content is None else {"content": content}
        body = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self.chunk("data: " + json.dumps(body) + "\n\n")

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def stream(self, text):
        self.start_stream()
        for index in range(0, len(text), 5):
            self.event(text[index:index + 5])
        self.event(finish="stop")
        self.chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def cut(self):
        """Ends the response without the closing chunk: the connection simply closes."""
        self.wfile.flush()
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        parts = self.path.strip("/").split("/")
        mode = parts[0]
        n = count(mode)
        if parts[-1] == "embeddings":
            inputs = request.get("input") or []
            inputs = [inputs] if isinstance(inputs, str) else inputs
            data = [{"object": "embedding", "index": i, "embedding": [float(len(t) % 7) + 1.0, 2.0, 3.0]}
                    for i, t in enumerate(inputs)]
            if mode == "e500once" and n == 1:
                return self.send_json(500, {"error": {"message": "transient"}})
            if mode == "malformed":
                return self.send_json(200, {"data": "nope"})
            return self.send_json(200, {"object": "list", "data": data, "model": request.get("model")})
        if mode == "ok" or (mode == "e500once" and n > 1) or (mode == "r429" and n > 1) or (mode == "cutearly" and n > 1):
            return self.stream(ANSWER)
        if mode == "foreign":
            return self.stream(FOREIGN)
        if mode == "slow":
            time.sleep(30)
            return self.stream(ANSWER)
        if mode == "stall":
            self.start_stream()
            self.event("The sky")
            time.sleep(30)
            return self.cut()
        if mode in ("e500", "e500once"):
            return self.send_json(500, {"error": {"message": "internal error (injected)"}})
        if mode == "r429":
            return self.send_json(429, {"error": {"message": "rate limited"}}, [("Retry-After", "1")])
        if mode == "r429long":
            return self.send_json(429, {"error": {"message": "rate limited"}}, [("Retry-After", "3600")])
        if mode == "e400":
            return self.send_json(400, {"error": {"message": "model 'x' does not exist"}})
        if mode == "malformed":
            self.start_stream()
            self.chunk("data: {not json\n\n")
            return self.cut()
        if mode == "cut":
            self.start_stream()
            self.event("The sky ")
            self.event("is blue")
            return self.cut()
        if mode == "cutearly":
            self.start_stream()
            return self.cut()
        self.send_json(404, {"error": {"message": "unknown mode " + mode}})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-with-stdin", action="store_true", help="exit when standard input closes (a test's pipe)")
    args = parser.parse_args()
    if args.exit_with_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
