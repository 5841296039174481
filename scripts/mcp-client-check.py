#!/usr/bin/env python3
"""Checks `cited mcp` with a real MCP client: the reference Python SDK (`mcp` from PyPI).

Starts `cited mcp --index DIR` (or `--store URL`, a PostgreSQL store holding the demo corpus) over stdio, lists
the tools, and calls search, show and ask on the demo index, asserting the citations and that search and show
return what `cited search --json` and `cited show --json` print on the same index. Without --index or --store it
ingests Corpora/demo into a temporary folder first.
Run in the test venv:  "$(scripts/test-venv.sh)/bin/python" scripts/mcp-client-check.py --cited .build/release/cited
Prints one line per check and ends with 'N passed, N failed'; exits 1 when a check fails.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parent.parent
OLANZAPINE = "What dose of intravenous olanzapine is recommended for emergency chemical restraint of agitated adults?"
UNANSWERABLE = "What is the recommended dose of zuranolone for postpartum depression in adolescents?"
MODEL = "qwen2.5-coder-0.5b"


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"pass  {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL  {name}{': ' + detail if detail else ''}", flush=True)


def cli_json(cited, location, arguments):
    """What `cited ARGUMENTS LOCATION --json` prints, parsed."""
    output = subprocess.run([cited] + arguments + location + ["--json"], check=True, capture_output=True, text=True,
                            cwd=str(ROOT)).stdout
    return json.loads(output)


def hits(document):
    """(rank, passage id, score to 1e-4, source id, text) of each result of a search document."""
    return [(h["rank"], h["passage_id"], round(h["score"], 4), h["source"]["id"], h["text"])
            for h in document.get("results", [])]


def texts(result):
    return [block.text for block in result.content if getattr(block, "type", "") == "text"]


def document(result):
    """The JSON document among the text blocks (the other is the human summary)."""
    for text in texts(result):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise AssertionError(f"no JSON document in {texts(result)!r}")


async def run(cited, location, checks):
    # The whole environment: CITED_HOME (the model cache) and the like reach the server.
    server = StdioServerParameters(command=cited, args=["mcp"] + location, cwd=str(ROOT), env=dict(os.environ))
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            checks.check("initialize: server is cited", init.server_info.name == "cited", repr(init.server_info))

            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            checks.check("tools/list: search, ask, show", set(tools) == {"search", "ask", "show"}, repr(sorted(tools)))
            for name, required in [("search", "query"), ("ask", "question"), ("show", "ref")]:
                schema = tools[name].input_schema if name in tools else {}
                checks.check(f"{name}: schema requires {required}, every property described",
                             schema.get("required") == [required]
                             and all(p.get("description") for p in schema.get("properties", {}).values()), repr(schema))

            result = await session.call_tool("search", {"query": "olanzapine dose for agitation", "k": 5})
            doc = document(result)
            ids = [hit["source"]["id"] for hit in doc.get("results", [])]
            checks.check("search: the olanzapine trial ranks in the top 5",
                         not result.is_error and "PMID:33046432" in ids and len(ids) <= 5, repr(ids))
            checks.check("search: results carry rank, score, passage_id, source, text",
                         all({"rank", "score", "passage_id", "source", "text"} <= set(h) for h in doc["results"]))
            for query, mode in [("olanzapine dose for agitation", "hybrid"), ("How does bisect.insort keep a list sorted?", "dense"),
                                ("olanzapine droperidol", "bm25")]:
                result = await session.call_tool("search", {"query": query, "k": 5, "mode": mode})
                cli = cli_json(cited, location, ["search", query, "--k", "5", "--mode", mode])
                checks.check(f"search ({mode}): the passages, order and scores of `cited search --json`",
                             not result.is_error and hits(document(result)) == hits(cli) and hits(cli),
                             f"{[h[1] for h in hits(document(result))]} vs {[h[1] for h in hits(cli)]}")

            result = await session.call_tool("search", {"query": "olanzapine", "filters": {"kind": "doc"}})
            doc = document(result)
            checks.check("search: a kind filter keeps only that kind",
                         not result.is_error and all(h["source"]["kind"] == "doc" for h in doc["results"]), repr(doc)[:200])

            for arguments, why in [({"query": "  ?! "}, "has no words"), ({"query": "x", "k": 0}, "must be in 1...1000"),
                                   ({"query": "x", "filters": {"year": "20x"}}, "bad filter"),
                                   ({"query": "x", "mode": "fuzzy"}, "expected hybrid")]:
                result = await session.call_tool("search", arguments)
                message = " ".join(texts(result))
                checks.check(f"search {arguments}: a one-line tool error ({why})",
                             result.is_error and why in message and "\n" not in message, message)

            result = await session.call_tool("show", {"ref": "PMID:33046432", "context": 1})
            doc = document(result)
            focus = [p for p in doc.get("passages", []) if p["focus"]]
            checks.check("show PMID:33046432: its passages, one in focus, with text",
                         not result.is_error and doc["reference"] == "PMID:33046432" and "olanzapine" in doc["title"].lower()
                         and len(focus) <= 1 and all(p["text"] and p["source"]["pmid"] == "33046432" for p in doc["passages"]),
                         repr(doc)[:300])
            cli = cli_json(cited, location, ["show", "PMID:33046432", "--context", "1"])
            checks.check("show: the document `cited show --json` prints", doc == cli, f"{repr(doc)[:200]} vs {repr(cli)[:200]}")
            result = await session.call_tool("show", {"ref": "PMID:99999999"})
            message = " ".join(texts(result))
            checks.check("show of an unknown reference: a one-line tool error", result.is_error and "\n" not in message, message)

            started = time.monotonic()
            result = await session.call_tool("ask", {"question": OLANZAPINE, "model": MODEL})
            doc = document(result)
            cited = {c["source"]["id"] for c in doc.get("citations", [])}
            numbers = {c["n"] for c in doc.get("citations", [])}
            checks.check(f"ask (olanzapine): cites PMID:33046432 ({time.monotonic() - started:.1f} s)",
                         not result.is_error and not doc["abstained"] and "PMID:33046432" in cited, repr(doc)[:400])
            checks.check("ask: every sentence has a verdict and cites listed citations",
                         doc.get("sentences") and all(s["support"] in ("supported", "weak", "unsupported")
                                                      and set(s["citations"]) <= numbers for s in doc["sentences"]))
            checks.check("ask: a clinical answer carries its notice", bool(doc.get("notice")), repr(doc.get("notice")))

            result = await session.call_tool("ask", {"question": UNANSWERABLE, "model": MODEL})
            doc = document(result)
            checks.check("ask (not in the corpus): abstains", not result.is_error and doc["abstained"]
                         and doc["answer"] == "Not found in the indexed sources.", repr(doc)[:300])

            result = await session.call_tool("ask", {"question": OLANZAPINE, "domain": "cooking"})
            checks.check("ask with a bad domain: a tool error", result.is_error, " ".join(texts(result)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cited", default=str(ROOT / ".build/release/cited"), help="the cited binary")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--index", help="a demo index (default: ingest Corpora/demo into a temporary folder)")
    where.add_argument("--store", help="a PostgreSQL store holding the demo corpus (postgres://…)")
    args = parser.parse_args()
    started = time.monotonic()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="cited-mcp-") as scratch:
        if args.store:
            location = ["--store", args.store]
        elif args.index:
            location = ["--index", args.index]
        else:
            location = ["--index", os.path.join(scratch, "index")]
            subprocess.run([args.cited, "ingest", str(ROOT / "Corpora/demo")] + location, check=True, stdout=subprocess.DEVNULL)
        # Bounded: a server that stops answering fails the check instead of hanging it.
        asyncio.run(asyncio.wait_for(run(args.cited, location, checks), timeout=900))
    print(f"mcp client check: {time.monotonic() - started:.1f} s")
    print(f"{checks.passed} passed, {checks.failed} failed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
