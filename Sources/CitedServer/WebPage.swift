/// The web page at `/`: ask, see the sources at once, the draft streaming, then each checked sentence with
/// its verdict and clickable citations that open the passage (highlighted) with its PubMed/DOI link.
/// Plain HTML, CSS and JavaScript served from the binary: no build step, no CDN, works offline. Every
/// corpus text is inserted as text (`textContent`), never as markup. `?q=QUESTION` asks on load;
/// `&open=1` also opens the first citation (the browser test uses both).
enum WebPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Cited</title>
    <style>
      :root { --ink: #1d2430; --muted: #5b6675; --line: #d9dee5; --ok: #1c7c3a; --weak: #a66a00; --bad: #b3261e; --accent: #2458b3; }
      * { box-sizing: border-box; }
      body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
      header { padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); }
      header h1 { margin: 0; font-size: 20px; } header span { color: var(--muted); font-size: 14px; }
      main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px; padding: 20px 24px; }
      section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin-bottom: 16px; }
      h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
      form { display: flex; gap: 8px; } textarea { flex: 1; font: inherit; padding: 8px; min-height: 44px; border: 1px solid var(--line); border-radius: 6px; }
      button { font: inherit; padding: 8px 16px; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
      button:disabled { opacity: .5; cursor: wait; }
      ol { padding-left: 22px; margin: 0; } li { margin: 4px 0; }
      .muted { color: var(--muted); } .draft { color: var(--muted); white-space: pre-wrap; font-size: 15px; }
      .sentence .badge { font-size: 12px; padding: 1px 6px; border-radius: 10px; margin-left: 6px; color: #fff; }
      .sentence[data-support="supported"] .badge { background: var(--ok); }
      .sentence[data-support="weak"] .badge { background: var(--weak); }
      .sentence[data-support="unsupported"] .badge { background: var(--bad); }
      a.cite { color: var(--accent); cursor: pointer; text-decoration: none; font-weight: 600; margin-left: 2px; }
      .notice { background: #fff7e0; border: 1px solid #f0d68a; padding: 8px 12px; border-radius: 6px; margin-top: 10px; }
      .abstained { font-weight: 600; color: var(--bad); }
      .passage { padding: 8px 10px; border-left: 3px solid transparent; white-space: pre-wrap; font-size: 15px; }
      .passage.focus { background: #fff3b0; border-left-color: #e0b400; }
      .locator { font-size: 13px; color: var(--muted); }
      .error { color: var(--bad); }
      @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
    </style>
    </head>
    <body>
    <header><h1>Cited</h1> <span>answers from your own sources, every sentence cited and checked</span></header>
    <main>
      <div>
        <section>
          <form id="ask"><textarea id="question" placeholder="Ask a clinical, code or math question" required></textarea>
            <button id="go" type="submit">Ask</button></form>
          <div id="token-row" hidden><label>Token <input id="token" type="password" size="32"></label></div>
        </section>
        <section id="sources-box" hidden><h2>Sources</h2><ol id="sources"></ol></section>
        <section id="draft-box" hidden><h2>Draft (being checked)</h2><div id="draft" class="draft"></div></section>
        <section id="answer-box" hidden><h2 id="answer-title">Checked answer</h2><div id="answer"></div>
          <h2 style="margin-top:12px">References</h2><ol id="references"></ol><div id="notice"></div></section>
        <div id="status" class="muted"></div>
      </div>
      <div><section id="passage-box" hidden><h2>Passage</h2><div id="passage-head"></div><div id="passage"></div></section></div>
    </main>
    <script>
    "use strict";
    const $ = (id) => document.getElementById(id);
    const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
    function headers() {
      const h = { "Content-Type": "application/json" };
      const token = localStorage.getItem("cited-token");
      if (token) h["Authorization"] = "Bearer " + token;
      return h;
    }
    function needToken() { $("token-row").hidden = false; $("status").textContent = "This server needs a token."; }
    $("token").addEventListener("change", () => localStorage.setItem("cited-token", $("token").value));

    function citeLink(n, passageID, ref) {
      const a = el("a", "cite", "[" + n + "]");
      a.dataset.ref = ref; a.dataset.passage = passageID; a.href = "#";
      a.addEventListener("click", (e) => { e.preventDefault(); openPassage(passageID, ref); });
      return a;
    }
    function sourceLine(s) {
      const li = el("li");
      li.append(citeLink(s.n, s.passage_id, s.ref), " ", el("span", "", s.ref + " · " + s.title), " ", el("span", "locator", s.locator));
      return li;
    }
    function externalLink(source) {
      if (source.pmid) return ["PubMed " + source.pmid, "https://pubmed.ncbi.nlm.nih.gov/" + encodeURIComponent(source.pmid) + "/"];
      if (source.doi) return ["doi:" + source.doi, "https://doi.org/" + source.doi];
      return null;
    }
    async function openPassage(passageID, ref) {
      const box = $("passage-box"); box.hidden = false; $("passage").textContent = "Loading…";
      const r = await fetch("/v1/passages/passage:" + encodeURIComponent(passageID) + "?context=1", { headers: headers() });
      if (r.status === 401) return needToken();
      const shown = await r.json();
      const head = $("passage-head"); head.replaceChildren(el("div", "", shown.title));
      const focus = shown.passages.find((p) => p.focus) || shown.passages[0];
      if (focus) {
        const link = externalLink(focus.source);
        const line = el("div", "locator", ref + " · " + focus.source.locator + " ");
        if (link) { const a = el("a", "", link[0]); a.href = link[1]; a.target = "_blank"; a.rel = "noopener"; line.append(a); }
        head.append(line);
      }
      const list = $("passage"); list.replaceChildren();
      for (const p of shown.passages) {
        const d = el("div", "passage" + (p.focus ? " focus" : ""), p.text);
        d.dataset.passage = p.passage_id;
        list.append(d);
      }
      box.scrollIntoView({ block: "nearest" });
    }
    function showAnswer(chunk) {
      $("draft-box").hidden = true;
      const box = $("answer-box"); box.hidden = false;
      const answer = $("answer"); answer.replaceChildren();
      const refs = $("references"); refs.replaceChildren();
      const byN = new Map(chunk.citations.map((c) => [c.n, c]));
      if (chunk.abstained) {
        $("answer-title").textContent = "No answer";
        answer.append(el("p", "abstained", "Not found in the indexed sources."));
        if (chunk.nearest && chunk.nearest.length) {
          answer.append(el("p", "muted", "Related reading (the nearest passages; they do not answer the question):"));
          for (const c of chunk.nearest) refs.append(sourceLine({ n: c.n, passage_id: c.passage_id, ref: c.source.id, title: c.source.title, locator: c.source.locator }));
        }
      } else {
        $("answer-title").textContent = "Checked answer";
        const list = el("ol");
        for (const s of chunk.sentences) {
          const li = el("li", "sentence", s.text);
          li.dataset.support = s.support;
          for (const n of s.citations) { const c = byN.get(n); if (c) li.append(" ", citeLink(n, c.passage_id, c.ref)); }
          li.append(el("span", "badge", s.support === "supported" ? "✓ supported" : s.support === "weak" ? "weakly supported" : "unsupported"));
          list.append(li);
        }
        answer.append(list);
        if (chunk.quotes && chunk.quotes.length) {
          answer.append(el("p", "muted", "In the sources' words:"));
          for (const q of chunk.quotes) {
            const c = byN.get(q.n);
            const quote = el("blockquote", "quote", "\u201C" + q.text + "\u201D ");
            if (c) quote.append(citeLink(q.n, c.passage_id, c.ref));
            answer.append(quote);
          }
        }
        for (const c of chunk.citations) refs.append(sourceLine(c));
      }
      $("notice").replaceChildren();
      if (chunk.notice) $("notice").append(el("div", "notice", "⚠ " + chunk.notice));
      document.body.dataset.state = "answered";
    }
    async function ask(question) {
      $("go").disabled = true; $("status").textContent = "Searching…"; document.body.dataset.state = "asking";
      for (const id of ["sources-box", "draft-box", "answer-box", "passage-box"]) $(id).hidden = true;
      $("sources").replaceChildren(); $("draft").textContent = "";
      try {
        const r = await fetch("/v1/chat/completions", { method: "POST", headers: headers(),
          body: JSON.stringify({ model: "cited", stream: true, messages: [{ role: "user", content: question }] }) });
        if (r.status === 401) return needToken();
        if (!r.ok) { const e = await r.json().catch(() => ({})); throw new Error((e.error && e.error.message) || r.statusText); }
        const reader = r.body.getReader(); const decoder = new TextDecoder(); let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const line = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            if (!line.startsWith("data: ")) continue;
            const data = line.slice(6);
            if (data === "[DONE]") continue;
            const chunk = JSON.parse(data);
            if (chunk.error) throw new Error(chunk.error.message);
            if (chunk.sources) { $("sources-box").hidden = false; $("status").textContent = "Answering…"; for (const s of chunk.sources) $("sources").append(sourceLine(s)); }
            if (chunk.draft) { $("draft-box").hidden = false; $("draft").textContent += chunk.draft; }
            if (chunk.choices && chunk.choices[0].finish_reason === "stop") showAnswer(chunk);
          }
        }
        $("status").textContent = "";
        const params = new URLSearchParams(location.search);
        if (params.get("open") === "1") { const first = document.querySelector("#answer a.cite, #references a.cite"); if (first) first.click(); }
      } catch (e) {
        $("status").replaceChildren(el("span", "error", "Error: " + e.message)); document.body.dataset.state = "error";
      } finally { $("go").disabled = false; }
    }
    $("ask").addEventListener("submit", (e) => { e.preventDefault(); ask($("question").value.trim()); });
    const q = new URLSearchParams(location.search).get("q");
    if (q) { $("question").value = q; ask(q); }
    </script>
    </body>
    </html>
    """#
}
