#!/usr/bin/env python3
"""Drives Debian's headless Chromium over the DevTools protocol (on a pipe: stdlib only) to load a page,
wait until its script marks the body `data-state="answered"` (or "error"), and print the rendered DOM.
Usage: browser_check.py CHROMIUM URL [SCREENSHOT.png] [TIMEOUT_S]"""
import base64, json, os, subprocess, sys, tempfile, time

chromium, url = sys.argv[1], sys.argv[2]
screenshot = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 180

to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()
profile = tempfile.mkdtemp(prefix="cited-chromium-")


def place_fds():
    """In the child: the command pipe's read end on fd 3, the reply pipe's write end on fd 4."""
    high_r, high_w = os.dup(to_browser_r) + 100, os.dup(from_browser_w) + 100
    os.dup2(to_browser_r, high_r)
    os.dup2(from_browser_w, high_w)
    os.dup2(high_r, 3)
    os.dup2(high_w, 4)


# Chromium reads commands on fd 3 and writes replies on fd 4 (--remote-debugging-pipe).
browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
     f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: place_fds(), close_fds=False)
os.close(to_browser_r)
os.close(from_browser_w)
pending = b""
next_id = 0


def call(method, session=None, **params):
    global pending, next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params}
    if session:
        message["sessionId"] = session
    os.write(to_browser_w, json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in pending:
            chunk = os.read(from_browser_r, 1 << 16)
            if not chunk:
                raise SystemExit("chromium closed the DevTools pipe")
            pending += chunk
        raw, pending = pending.split(b"\0", 1)
        reply = json.loads(raw)
        if reply.get("id") == next_id:
            if "error" in reply:
                raise SystemExit(f"{method}: {reply['error']}")
            return reply["result"]


try:
    target = call("Target.createTarget", url="about:blank")["targetId"]
    session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    call("Page.enable", session)
    call("Page.navigate", session, url=url)
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = call("Runtime.evaluate", session, expression="document.body && document.body.dataset.state",
                     returnByValue=True)["result"].get("value")
        if state in ("answered", "error") and call("Runtime.evaluate", session,
                                                   expression="!document.getElementById('passage-box') || "
                                                              "document.getElementById('passage-box').hidden || "
                                                              "!!document.querySelector('.passage')",
                                                   returnByValue=True)["result"].get("value"):
            break
        time.sleep(0.5)
    time.sleep(0.5)
    dom = call("Runtime.evaluate", session, expression="document.documentElement.outerHTML", returnByValue=True)["result"]["value"]
    if screenshot:
        data = call("Page.captureScreenshot", session, format="png")["data"]
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(data))
    print(dom)
    sys.exit(0 if state == "answered" else 1)
finally:
    browser.kill()
    browser.wait()
    subprocess.run(["rm", "-rf", profile])
