import CitedCore
import Foundation
import Testing
@testable import CitedIngest

@Suite("Text formats")
struct FormatTests {
    func parse(_ relative: String) throws -> ParsedDocument {
        let url = fixtures(relative)
        let format = try #require(FileFormat.detect(path: url.path))
        return try #require(try TextFormats.parse(format: format, path: url.path, relative: relative, display: relative).first)
    }

    @Test("format detection by name and content")
    func detection() {
        #expect(FileFormat.detect(path: fixtures("pubmed/pubmed21n1298-sample.xml").path) == .pubmed)
        #expect(FileFormat.detect(path: fixtures("pmc/1472-6831-8-11.nxml").path) == .jats)
        #expect(FileFormat.detect(path: "/x/library/functools.rst.txt") == .rst)
        #expect(FileFormat.detect(path: "/x/guide.md.txt") == .markdown)
        #expect(FileFormat.detect(path: "/usr/share/man/man3/strlen.3.gz") == .man)
        #expect(FileFormat.detect(path: "/usr/share/man/man3/printf.3p.gz") == .man)
        #expect(FileFormat.detect(path: "/x/a.tex") == .tex)
        #expect(FileFormat.detect(path: "/x/a.png") == nil)
        #expect(FileFormat.detect(path: "/x/python3.11") == nil)
    }

    @Test("JATS: ids, sections, paragraph locators")
    func jats() throws {
        let document = try parse("pmc/1472-6831-8-11.nxml")
        #expect(document.kind == .pmc)
        #expect(document.pmcid?.hasPrefix("PMC") == true)
        #expect(document.pmid != nil)
        #expect(document.doi != nil)
        #expect(!document.title.isEmpty)
        #expect(document.blocks.contains { $0.headingPath.first == "Abstract" })
        #expect(document.blocks.contains { $0.headingPath.first?.lowercased().contains("method") == true })
        let passages = Chunker(counter: WordCounter()).passages(for: document, path: "pmc/1472-6831-8-11.nxml")
        #expect(passages.contains { $0.locator.hasPrefix("§") && $0.locator.contains("¶") })
        #expect(passages.allSatisfy { $0.tokenCount <= 256 })
    }

    @Test("reST: API entries label their passages, code stays whole")
    func rst() throws {
        let document = try parse("docs/functools.rst.txt")
        #expect(document.kind == .doc)
        #expect(document.title.contains("functools"))
        let passages = Chunker(counter: WordCounter()).passages(for: document, path: "library/functools.rst.txt")
        let lru = passages.filter { $0.locator.hasSuffix("(lru_cache)") }
        #expect(!lru.isEmpty)
        #expect(lru.allSatisfy { $0.locator.hasPrefix("library/functools.rst.txt:") })
        #expect(lru.contains { $0.text.contains("maxsize") })
        #expect(document.blocks.contains { $0.kind == .code && $0.text.contains("@lru_cache") })
        for passage in passages {
            #expect(passage.startLine != nil && passage.endLine! >= passage.startLine!)
        }
    }

    @Test("reST: version notes and admonitions read as Sphinx shows them")
    func rstVersionNotes() throws {
        let document = try parse("docs/functools.rst.txt")
        let texts = document.blocks.map(\.text)
        #expect(texts.contains("Changed in version 3.3: Added the *typed* option."))
        #expect(texts.contains("New in version 3.2."))
        #expect(!texts.contains("3.3 Added the *typed* option."))
        #expect(RSTParser.lead(directive: "deprecated-removed", argument: "3.12 3.14")
                == "Deprecated since version 3.12, will be removed in version 3.14:")
        #expect(RSTParser.lead(directive: "note", argument: "") == "Note:")
        #expect(RSTParser.lead(directive: "versionchanged", argument: "") == "")
        #expect(RSTParser.lead(directive: "rubric", argument: "Footnotes") == "Footnotes")
        // Option lines are dropped; a body line that opens with a role is prose.
        #expect(RSTParser.isOption(":caption: Example") && RSTParser.isOption("   :linenos:"))
        #expect(!RSTParser.isOption(":meth:`assertNotAlmostEqual` automatically fails"))
        let notes = try RSTParser().parse([".. versionchanged:: 3.2", "   :meth:`assertAlmostEqual` considers equal objects",
                                           "   almost equal.", ""]).1
        #expect(notes.map(\.text) == ["Changed in version 3.2: :meth:`assertAlmostEqual` considers equal objects almost equal."])
    }

    @Test("HTML: navigation and scripts dropped, headings kept")
    func html() throws {
        let document = try parse("docs/functools.html")
        let text = document.blocks.map(\.text).joined(separator: "\n")
        #expect(!text.contains("Table of Contents"), "sidebar dropped")
        #expect(!text.contains("Navigation"), "navigation dropped")
        let page = "<html><head><title>T</title><script>var secret = 1;</script></head><body><nav>Home</nav>"
            + "<h1>Title¶</h1><p>Body text.</p><script>alert(2)</script><pre>x = 1\ny = 2</pre></body></html>"
        let (title, blocks) = try HTMLParser().parse(Array(page.utf8), display: "t.html")
        #expect(title == "Title")
        #expect(blocks.map(\.text) == ["Body text.", "x = 1\ny = 2"])
        #expect(blocks[1].kind == .code)
        #expect(text.contains("lru_cache"))
        #expect(document.blocks.contains { $0.label == "lru_cache" })
        #expect(!document.title.contains("¶"))
    }

    @Test("man page through gzip: title, sections, escapes")
    func man() throws {
        let document = try parse("docs/strlen.3.gz")
        #expect(document.title == "strlen(3)")
        #expect(document.blocks.contains { $0.headingPath == ["NAME"] && $0.text.contains("strlen") })
        #expect(document.blocks.allSatisfy { !$0.text.contains("\\f") })
    }

    @Test("Markdown with math is a note; formulas whole")
    func markdown() throws {
        let document = try parse("notes/solve-equation-algebraically.md.txt")
        #expect(document.kind == .note)
        #expect(document.title == "Solve an equation algebraically")
        let passages = Chunker(counter: WordCounter(), tokenLimit: 64).passages(for: document, path: "n.md")
        for passage in passages {
            // An inline formula is never cut: dollar signs pair up inside each passage.
            #expect(passage.text.filter { $0 == "$" }.count % 2 == 0, "\(passage.locator)")
        }
        #expect(document.blocks.contains { $0.kind == .code })
    }

    @Test("LaTeX: sections, theorem environments labelled, comments dropped")
    func tex() throws {
        let document = try parse("notes/primes.tex")
        #expect(document.kind == .note)
        #expect(document.title == "Notes on primes")
        let theorem = try #require(document.blocks.first { $0.label == "thm:euclid" })
        #expect(theorem.kind == .formula)
        #expect(theorem.text.contains("N = p_1 p_2"))
        #expect(theorem.headingPath == ["Infinitely many primes"])
        #expect(document.blocks.contains { $0.label == "def:prime" })
        #expect(document.blocks.contains { $0.label == "eq:reciprocals" })
        #expect(!document.blocks.contains { $0.text.contains("must not be indexed") })
        #expect(document.blocks.contains { $0.text.contains("50\\% of small numbers") })
        let passages = Chunker(counter: WordCounter(), tokenLimit: 20).passages(for: document, path: "notes/primes.tex")
        let euclid = try #require(passages.first { $0.locator.hasSuffix("(thm:euclid)") })
        #expect(euclid.text.contains("\\begin{theorem}") && euclid.text.contains("\\end{theorem}"), "never split")
        #expect(euclid.locator.hasPrefix("notes/primes.tex:"))
        _ = try parse("notes/biopython-chapter_popgen.tex")
    }
}
