#!/usr/bin/env python3
"""Writes the second round of hostile inputs (issue 15, branch hostile-2) into a folder, one file per shape.

Usage: hostile2-gen.py OUT_DIR [NAME...]   (no names: every shape). Nothing here is committed output: the files
are made on demand (some are hundreds of MB). `Benchmarks/hostile2.sh` runs `cited` on each and prints a table.
"""
import gzip
import json
import os
import struct
import sys

MB = 1 << 20


def lines(path, count, make):
    """Writes `count` lines, line k being make(k)."""
    with open(path, "w") as f:
        for k in range(count):
            f.write(make(k))
            f.write("\n")


def repeat_to(path, head, unit, size, tail=""):
    """head + unit repeated to about `size` bytes + tail, written in blocks."""
    with open(path, "w") as f:
        f.write(head)
        block = unit * max(1, (4 * MB) // len(unit))
        written = 0
        while written < size:
            f.write(block)
            written += len(block)
        f.write(tail)


def pubmed(abstract="<AbstractText>x</AbstractText>", extra=""):
    return ("<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            f"<ArticleTitle>t</ArticleTitle><Abstract>{abstract}</Abstract>{extra}</Article>"
            "</MedlineCitation></PubmedArticle></PubmedArticleSet>\n")


def gguf_header(kv_count, tensor_count=0):
    return b"GGUF" + struct.pack("<I", 3) + struct.pack("<Q", tensor_count) + struct.pack("<Q", kv_count)


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


SHAPES = {}


def shape(name):
    def register(fn):
        SHAPES[name] = fn
        return fn
    return register


# Markdown
@shape("md-blockquotes.md")
def _(p): lines(p, 600_000, lambda k: "> " * 20 + "quoted")
@shape("md-nested-list.md")
def _(p): lines(p, 200_000, lambda k: "  " * (k % 200) + "- item %d" % k)
@shape("md-long-line.md")
def _(p): repeat_to(p, "# T\n", "word ", 500 * MB, "\n")
@shape("md-fences.md")
def _(p): lines(p, 1_000_000, lambda k: "`" * (3 + k % 7) + "py")
@shape("md-linkrefs.md")
def _(p): lines(p, 1_000_000, lambda k: "[r%d]: http://example.org/%d 'title'" % (k, k))
@shape("md-table.md")
def _(p): lines(p, 1_000_000, lambda k: "| a%d | b | c | d |" % k if k != 1 else "|---|---|---|---|")
@shape("md-html-blocks.md")
def _(p): lines(p, 1_000_000, lambda k: "<div class=\"x\"><span>%d</span>" % k)
@shape("md-unclosed-math.md")
def _(p): lines(p, 1_000_000, lambda k: "$$" if k == 0 else "x_{%d} + y^{%d} = z" % (k, k))
@shape("md-dollars.md")
def _(p): lines(p, 100_000, lambda k: "$ " * 250)
@shape("md-big.md")
def _(p): lines(p, 4_000_000, lambda k: "Paragraph line %d with some ordinary words in it for the index." % k
                if k % 5 else "")
# reST
@shape("rst-api-stair.rst")
def _(p):
    with open(p, "w") as f:
        for d in range(300):
            f.write(" " * d + ".. function:: f%d()\n" % d)
        for k in range(30_000):
            f.write(" " * 301 + "body %d\n" % k)
@shape("rst-nested-directives.rst")
def _(p): lines(p, 100_000, lambda k: " " * (k % 1000) + ".. note:: level %d" % k)
@shape("rst-literal.rst")
def _(p):
    with open(p, "w") as f:
        f.write("Title\n=====\n\nCode::\n\n")
        for k in range(1_000_000):
            f.write("    literal line %d\n" % k)
@shape("rst-include-passwd.rst")
def _(p):
    with open(p, "w") as f:
        f.write("Title\n=====\n\n.. include:: /etc/passwd\n\n.. literalinclude:: /etc/shadow\n\n"
                ".. |a| replace:: |b| |b|\n.. |b| replace:: |a| |a|\n\nText |a| here.\n")
# HTML
@shape("html-nested-lists.html")
def _(p):
    with open(p, "w") as f:
        f.write("<html><body>")
        f.write("<ul><li>" * 100_000 + "x" + "</li></ul>" * 100_000)
        for k in range(200_000):
            f.write("<li>item %d</li>\n" % k)
        f.write("</body></html>")
@shape("html-nested-tables.html")
def _(p):
    with open(p, "w") as f:
        f.write("<html><body>")
        f.write("<table><tr><td>" * 80)
        f.write(("cell text " * 100 + "\n") * 1000)
        f.write("</td></tr></table>" * 80 + "</body></html>")
@shape("html-huge-attr.html")
def _(p): repeat_to(p, "<html><body><p class=\"", "a", 50 * MB, "\">text</p></body></html>")
@shape("html-unclosed-script.html")
def _(p): repeat_to(p, "<html><body><p>visible</p><script>", "var x = 1;\n", 30 * MB, "")
@shape("html-entities.html")
def _(p): repeat_to(p, "<html><body><p>", "&amp;&lt;&#x10FFFF;&#0;&bogus;\n", 20 * MB, "</p></body></html>")
@shape("html-utf16-declared.html")
def _(p):
    with open(p, "wb") as f:
        f.write('<html><head><meta charset="utf-16"></head><body><p>hi</p></body></html>'.encode("utf-16"))
@shape("html-invalid-utf8.html")
def _(p):
    with open(p, "wb") as f:
        f.write(b"<html><body><p>ok</p>\n<p>\xff\xfe\xc0\x80 bad</p></body></html>\n")
# man
@shape("man-so-passwd.1")
def _(p):
    with open(p, "w") as f: f.write(".so /etc/passwd\n")
@shape("man-macros.1")
def _(p):
    with open(p, "w") as f:
        f.write(".TH M 1\n.de a\n.a\n.a\n..\n.ds s \\*s\\*s\\*s\n.SH NAME\nm \\- \\*s \\*(s \\*[s]\n.a\n")
        for k in range(200_000):
            f.write(".ds x%d \\*[x%d]\\*[x%d]\n\\*[x%d]\n" % (k, k, k, k))
@shape("man-members.1.gz")
def _(p):
    with open(p, "wb") as f:
        f.write(gzip.compress(b".TH MEMBERS 1\n.SH NAME\nmembers\n"))
        member = gzip.compress(b"line of text in a member\n")
        for _ in range(200_000):
            f.write(member)
# LaTeX
@shape("tex-recursive.tex")
def _(p):
    with open(p, "w") as f:
        f.write("\\def\\a{\\a\\a}\n\\newcommand{\\b}{\\b\\b}\n\\input{/etc/passwd}\n\\include{/etc/shadow}\n"
                "\\section{S}\n\\a \\b text\n")
@shape("tex-braces.tex")
def _(p):
    lines(p, 30, lambda k: "\\section{" + "{" * 900_000 if k % 2 == 0 else "\\title{" + "{" * 900_000)
@shape("tex-comments.tex")
def _(p): lines(p, 6_000_000, lambda k: "%% comment line %d with words words words words words" % k)
# PubMed / JATS
@shape("pm-authors.xml")
def _(p):
    with open(p, "w") as f:
        f.write(pubmed(extra="<AuthorList>" + "<Author><LastName>Smith</LastName><Initials>J</Initials></Author>"
                       * 1_000_000 + "</AuthorList>"))
@shape("pm-mesh.xml")
def _(p):
    with open(p, "w") as f:
        body = pubmed().replace("</MedlineCitation>", "<MeshHeadingList>" + "<MeshHeading><DescriptorName>D"
                                "</DescriptorName><QualifierName>q</QualifierName></MeshHeading>" * 500_000
                                + "</MeshHeadingList><KeywordList>" + "<Keyword>k</Keyword>" * 1_000_000
                                + "</KeywordList></MedlineCitation>")
        f.write(body)
@shape("pm-sections.xml")
def _(p):
    with open(p, "w") as f:
        f.write(pubmed(abstract="".join('<AbstractText Label="L%d">text %d</AbstractText>' % (k, k)
                                        for k in range(100_000))))
@shape("pm-abstract-children.xml")
def _(p):
    with open(p, "w") as f:
        f.write(pubmed(abstract="<AbstractText>" + "<i>word</i> " * 8_000_000 + "</AbstractText>"))
@shape("pm-param-entities.xml")
def _(p):
    with open(p, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY % p0 "<!ENTITY e0 \'x\'>">\n'
                + "".join('<!ENTITY %% p%d "%%p%d;%%p%d;">\n' % (k, k - 1, k - 1) for k in range(1, 40))
                + "%p39;\n]>\n" + pubmed("<AbstractText>&e0;</AbstractText>"))
@shape("pm-utf16.xml")
def _(p):
    with open(p, "wb") as f:
        f.write(('<?xml version="1.0" encoding="UTF-16"?>\n' + pubmed("<AbstractText>utf sixteen</AbstractText>"))
                .encode("utf-16"))
@shape("pm-members.xml.gz")
def _(p):
    with open(p, "wb") as f:
        f.write(gzip.compress(b"<PubmedArticleSet>"))
        for k in range(100_000):
            f.write(gzip.compress(("<PubmedArticle><MedlineCitation><PMID>%d</PMID><Article><ArticleTitle>t"
                                   "</ArticleTitle></Article></MedlineCitation></PubmedArticle>" % (k + 1)).encode()))
        f.write(gzip.compress(b"</PubmedArticleSet>"))
# Model files (given as --model / --embedder paths)
@shape("tok-nested.json")
def _(p):
    with open(p, "w") as f: f.write("[" * 1_000_000 + "]" * 1_000_000)
@shape("tok-merges.json")
def _(p):
    with open(p, "w") as f:
        f.write('{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [')
        f.write(",".join(['"a b"'] * 10_000_000))
        f.write("]}}")
@shape("vocab-long-line.txt")
def _(p): repeat_to(p, "[PAD]\n[UNK]\n", "x", 1024 * MB, "\n")
@shape("gguf-string-2p64.gguf")
def _(p):
    with open(p, "wb") as f:
        f.write(gguf_header(1) + struct.pack("<Q", 0xFFFFFFFFFFFFFFF0) + b"general.architecture")
@shape("gguf-bad-type.gguf")
def _(p):
    with open(p, "wb") as f:
        f.write(gguf_header(1, 1) + gguf_string("general.architecture") + struct.pack("<I", 8)
                + gguf_string("llama") + gguf_string("token_embd.weight") + struct.pack("<I", 2)
                + struct.pack("<QQ", 32, 32) + struct.pack("<I", 999) + struct.pack("<Q", 0))
        f.write(b"\0" * (32 - f.tell() % 32) + b"\0" * 4096)
@shape("gguf-truncated.gguf")
def _(p):
    with open(p, "wb") as f:
        f.write(gguf_header(1, 1) + gguf_string("general.architecture") + struct.pack("<I", 8)
                + gguf_string("llama") + gguf_string("token_embd.weight") + struct.pack("<I", 2)
                + struct.pack("<QQ", 4096, 4096) + struct.pack("<I", 0) + struct.pack("<Q", 0))
        f.write(b"\0" * (32 - f.tell() % 32) + b"\0" * 1000)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = sys.argv[2:] or list(SHAPES)
    for name in names:
        path = os.path.join(out, name)
        if not os.path.exists(path):
            SHAPES[name](path)
        print(path)


if __name__ == "__main__":
    main()
