import CitedCore
import CitedStore
import Foundation
import Testing
@testable import CitedIngest

/// Files made as an attacker would (entity bombs, deep nesting, gzip bombs), built on the fly: each gives a
/// one-line error or a correct result, never a crash or unbounded memory.
@Suite("Hostile input: parsers")
struct HostileParserTests {
    func write(_ text: String, _ name: String) throws -> (URL, URL) {
        let folder = try temporaryFolder()
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (folder, url)
    }

    func pubMedError(_ url: URL) -> IngestError? {
        do {
            _ = try parsePubMed(url)
            return nil
        } catch let error as IngestError {
            return error
        } catch {
            return .unreadable(path: "", reason: "\(error)")
        }
    }

    @Test("billion laughs in PubMed text, in an attribute and in JATS: a one-line entity error",
          arguments: ["text", "attribute", "jats"])
    func billionLaughs(place: String) throws {
        let dtd = Hostile.laughsDTD(root: place == "jats" ? "article" : "PubmedArticleSet", levels: 10, fanout: 10)
        let text = switch place {
        case "text": Hostile.pubMed(dtd: dtd, abstract: "&l10;")
        case "attribute": Hostile.pubMed(dtd: dtd, abstract: "x", label: "&l10;")
        default: Hostile.jats(dtd: dtd, body: "<p>&l10;</p>")
        }
        let (folder, url) = try write(text, place == "jats" ? "laughs.nxml" : "laughs.xml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error: IngestError?
        if place == "jats" {
            error = #expect(throws: IngestError.self) {
                try TextFormats.parse(format: .jats, path: url.path, relative: "laughs.nxml", display: "laughs.nxml")
            }
        } else {
            error = pubMedError(url)
        }
        let message = try #require(error).description
        #expect(message.contains("laughs.") && message.contains("malformed XML") && message.contains("entit"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test("linear entity amplification in attributes stops at the per-document budget")
    func linearAttribute() throws {
        // One 5,000-byte entity referenced 4,000 times in an attribute: 20 MB from a 20 KB file.
        let dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY a \"\(String(repeating: "x", count: 5000))\">\n]>\n"
        let (folder, url) = try write(Hostile.pubMed(dtd: dtd, abstract: "y", label: String(repeating: "&a;", count: 4000)),
                                      "linear.xml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let message = try #require(pubMedError(url)).description
        #expect(message.contains("entities expand to more than \(XMLLimits.maxEntityBytes) bytes"), "\(message)")
    }

    @Test("a small internal entity is expanded, in text and in attributes")
    func smallEntity() throws {
        let dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY drug \"aspirin\">\n]>\n"
        let (folder, url) = try write(Hostile.pubMed(dtd: dtd, abstract: "Take &drug; 10 mg.", label: "&drug; dose"),
                                      "small.xml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (articles, _) = try parsePubMed(url)
        #expect(articles.first?.blocks.first?.text == "Take aspirin 10 mg.")
        #expect(articles.first?.blocks.first?.headingPath == ["Abstract", "aspirin dose"])
    }

    @Test("external entities and DTDs are never read (XXE), in text, attributes and JATS")
    func externalEntities() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("secret.txt")
        try "SECRET-XXE-7c1d".write(to: secret, atomically: true, encoding: .utf8)
        let dtdFile = folder.appendingPathComponent("evil.dtd")
        try "<!ENTITY dtdsecret SYSTEM \"\(secret.absoluteString)\">".write(to: dtdFile, atomically: true, encoding: .utf8)
        let dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet SYSTEM \"\(dtdFile.absoluteString)\" [\n"
            + "<!ENTITY xxe SYSTEM \"\(secret.absoluteString)\">\n]>\n"
        let pubmed = folder.appendingPathComponent("xxe.xml")
        try Hostile.pubMed(dtd: dtd, abstract: "before &xxe; after").write(to: pubmed, atomically: true, encoding: .utf8)
        let (articles, _) = try parsePubMed(pubmed)
        #expect(articles.first?.blocks.first?.text == "before after")
        // In an attribute libxml2 refuses the reference outright.
        try Hostile.pubMed(dtd: dtd, abstract: "x", label: "&xxe;").write(to: pubmed, atomically: true, encoding: .utf8)
        #expect(pubMedError(pubmed)?.description.contains("external entity") == true)
        let jats = folder.appendingPathComponent("xxe.nxml")
        try Hostile.jats(dtd: dtd.replacingOccurrences(of: "PubmedArticleSet", with: "article"),
                         body: "<p>before &xxe; after</p><sec><title>&xxe;</title><p>x</p></sec>")
            .write(to: jats, atomically: true, encoding: .utf8)
        let documents = try TextFormats.parse(format: .jats, path: jats.path, relative: "xxe.nxml", display: "xxe.nxml")
        let text = documents.flatMap { $0.blocks.flatMap { [$0.text] + $0.headingPath } }.joined(separator: " ")
        #expect(text.contains("before after") && !text.contains("SECRET-XXE"), "\(text)")
    }

    @Test("1M nested elements: a depth error, no stack overflow", arguments: ["pubmed", "jats", "html"])
    func deepNesting(format: String) throws {
        let depth = 1_000_000
        let inner = String(repeating: "<a>", count: depth) + "x" + String(repeating: "</a>", count: depth)
        let text = switch format {
        case "pubmed": "<PubmedArticleSet>" + inner + "</PubmedArticleSet>"
        case "jats": Hostile.jats(body: String(repeating: "<sec>", count: depth) + String(repeating: "</sec>", count: depth))
        default: "<html><body>\n" + String(repeating: "<div>\n", count: depth) + "<p>deep</p>\n"
            + String(repeating: "</div>\n", count: depth) + "</body></html>\n"
        }
        let name = ["pubmed": "deep.xml", "jats": "deep.nxml", "html": "deep.html"][format]!
        let (folder, url) = try write(text, name)
        defer { try? FileManager.default.removeItem(at: folder) }
        switch format {
        case "pubmed":
            let message = try #require(pubMedError(url)).description
            #expect(message.contains("deep.xml:1: malformed XML: elements nested deeper than 256"), "\(message)")
        case "jats":
            let error = #expect(throws: IngestError.self) {
                try TextFormats.parse(format: .jats, path: url.path, relative: name, display: name)
            }
            #expect(error?.description.contains("nested deeper than 256") == true, "\(String(describing: error))")
        default:
            // libxml2's HTML parser recovers (it stops nesting at its depth limit): a result, not a crash.
            let documents = try TextFormats.parse(format: .html, path: url.path, relative: name, display: name)
            #expect(documents.count == 1)
        }
    }

    @Test("JATS sections nested to the depth limit: heading paths shared, titles bounded")
    func deepSections() throws {
        let depth = 200
        var body = ""
        for level in 0..<depth { body += "<sec><title>S\(level)</title><p>paragraph \(level)</p>" }
        body += String(repeating: "</sec>", count: depth)
        let (folder, url) = try write(Hostile.jats(body: body), "sections.nxml")
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = try #require(try TextFormats.parse(format: .jats, path: url.path, relative: "s", display: "s").first)
        #expect(document.blocks.count == depth)
        #expect(document.blocks.last?.headingPath.count == depth)
        #expect(document.blocks.last?.headingPath.first == "S0")
        #expect(document.blocks[3].headingPath == ["S0", "S1", "S2", "S3"])
    }

    @Test("gzip input past the configured size or ratio is refused while streaming")
    func expansionLimits() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let man = folder.appendingPathComponent("blank.1.gz")
        // 32 MB of space-newline pairs in ~32 KB: ratio about 1000.
        try Hostile.gzipBomb(at: man, prefix: Array(".TH BLANK 1\n.SH NAME\nblank\n".utf8), unit: Array(" \n".utf8),
                             bytes: 32 << 20)
        let byRatio = #expect(throws: IngestError.self) {
            try TextFormats.parse(format: .man, path: man.path, relative: "blank.1.gz", display: "blank.1.gz")
        }
        #expect(byRatio?.description.contains("blank.1.gz:0: too large: expands more than 200×") == true,
                "\(String(describing: byRatio))")
        let bySize = #expect(throws: IngestError.self) {
            try TextFormats.parse(format: .man, path: man.path, relative: "blank.1.gz", display: "blank.1.gz",
                                  limits: ExpansionLimits(maxExpandedBytes: 2 << 20, maxRatio: 10_000))
        }
        #expect(bySize?.description.contains("expands to more than 2097152 bytes") == true, "\(String(describing: bySize))")
        // Within generous limits a smaller page of the same kind parses (blank lines only: just its header), and the
        // hand-made deflate stream checks out to its CRC.
        let small = folder.appendingPathComponent("small.1.gz")
        try Hostile.gzipBomb(at: small, prefix: Array(".TH BLANK 1\n.SH NAME\nblank\n".utf8), unit: Array(" \n".utf8),
                             bytes: 4 << 20)
        let page = try TextFormats.parse(format: .man, path: small.path, relative: "small.1.gz", display: "small.1.gz",
                                         limits: ExpansionLimits(maxExpandedBytes: 1 << 30, maxRatio: 10_000))
        #expect(page.first?.title == "BLANK(1)")
        // Blank lines past the line bound stop too, whatever the limits.
        let lines = folder.appendingPathComponent("lines.1.gz")
        try Hostile.gzipBomb(at: lines, prefix: Array(".TH L 1\n".utf8), unit: [0x0a], bytes: 8 << 20)
        let byLines = #expect(throws: IngestError.self) {
            try TextFormats.parse(format: .man, path: lines.path, relative: "lines.1.gz", display: "lines.1.gz",
                                  limits: ExpansionLimits(maxExpandedBytes: 1 << 30, maxRatio: 10_000))
        }
        #expect(byLines?.description == "lines.1.gz:0: too large: more than 4194304 lines")
        // PubMed streams through the same bounded input.
        let pubmed = folder.appendingPathComponent("spaces.xml.gz")
        try Hostile.gzipBomb(at: pubmed, prefix: Array("<PubmedArticleSet>".utf8), unit: [0x20], bytes: 32 << 20)
        let message = try #require(pubMedError(pubmed)).description
        #expect(message.contains("spaces.xml.gz:0: too large: expands more than 200×"), "\(message)")
    }

    @Test("damaged gzip data is named as such, read once")
    func truncatedGzip() throws {
        let message = try #require(pubMedError(fixtures("bad/truncated.xml.gz"))).description
        #expect(message == "truncated.xml.gz:0: cannot read: corrupt or truncated gzip data")
    }

    @Test("limits from the environment; bad values are refused")
    func environment() throws {
        #expect(try ExpansionLimits(environment: [:]) == ExpansionLimits())
        let set = try ExpansionLimits(environment: ["CITED_MAX_EXPANDED_BYTES": "1000", "CITED_MAX_EXPANSION_RATIO": "5"])
        #expect(set.maxExpandedBytes == 1000 && set.maxRatio == 5)
        #expect(throws: IngestError.self) { try ExpansionLimits(environment: ["CITED_MAX_EXPANDED_BYTES": "-1"]) }
        #expect(throws: IngestError.self) { try ExpansionLimits(environment: ["CITED_MAX_EXPANSION_RATIO": "lots"]) }
        // Limits are on decompression: a plain file as large as the cap is fine; 1 byte past it, expanded, is not.
        let small = ExpansionLimits(maxExpandedBytes: 10, maxRatio: 2, ratioFloorBytes: 0)
        #expect(small.violation(expanded: 1000, fileSize: 1000) == nil)
        #expect(small.violation(expanded: 11, fileSize: 8) != nil)
        #expect(ExpansionLimits(maxExpandedBytes: 100, maxRatio: 2, ratioFloorBytes: 0).violation(expanded: 21, fileSize: 10) != nil)
    }

    @Test("a FIFO is refused, not waited on")
    func fifo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pipe.xml")
        #expect(mkfifo(url.path, 0o600) == 0)
        let message = try #require(pubMedError(url)).description
        #expect(message == "pipe.xml:0: cannot read: not a regular file")
        let ingester = Ingester(store: nil, chunker: Chunker(counter: WordCounter()))
        #expect(throws: IngestError.self) { try ingester.discover(url.path) }
    }
}

/// The same files through the `cited` binary: peak RSS of the child process, wall time, exit status.
@Suite("Hostile input: memory of the cited process", .serialized)
struct HostileMemoryTests {
    static let rssLimit = 300 << 20

    func check(_ url: URL, expecting fragment: String, environment: [String: String] = [:]) throws -> ChildRun {
        let run = try runCited(["ingest", "--dry-run", url.path], environment: environment)
        print("hostile \(url.lastPathComponent): exit \(run.status), peak RSS \(run.peakRSSBytes >> 20) MB, "
            + String(format: "%.2f s", run.seconds))
        #expect(run.peakRSSBytes < Self.rssLimit, "\(url.lastPathComponent): peak RSS \(run.peakRSSBytes >> 20) MB")
        #expect(run.status == 1, "\(url.lastPathComponent): \(run.stderr)")
        #expect(run.stderr.contains(fragment), "\(url.lastPathComponent): \(run.stderr)")
        return run
    }

    @Test("every hostile file: one error line, exit 1, peak RSS under 300 MB")
    func hostileFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashTests.citedBinary.path))
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ text: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let pubmedDTD = Hostile.laughsDTD(root: "PubmedArticleSet", levels: 10, fanout: 10)
        _ = try check(try file("laughs-text.xml", Hostile.pubMed(dtd: pubmedDTD, abstract: "&l10;")), expecting: "entit")
        _ = try check(try file("laughs-attr.xml", Hostile.pubMed(dtd: pubmedDTD, abstract: "x", label: "&l10;")),
                      expecting: "entit")
        _ = try check(try file("laughs.nxml", Hostile.jats(dtd: Hostile.laughsDTD(root: "article", levels: 10, fanout: 10),
                                                           body: "<p>&l10;</p>")), expecting: "entit")
        let linear = "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY a \"\(String(repeating: "x", count: 5000))\">\n]>\n"
        _ = try check(try file("linear.xml", Hostile.pubMed(dtd: linear, abstract: "y",
                                                            label: String(repeating: "&a;", count: 4000))), expecting: "entit")
        let depth = 1_000_000
        _ = try check(try file("deep.xml", "<PubmedArticleSet>" + String(repeating: "<a>", count: depth)
                               + String(repeating: "</a>", count: depth) + "</PubmedArticleSet>"),
                      expecting: "nested deeper than 256")
        _ = try check(try file("deep.nxml", Hostile.jats(body: String(repeating: "<sec>", count: depth)
                               + String(repeating: "</sec>", count: depth))), expecting: "nested deeper than 256")

        // 2 GB of zeros in ~2 MB: as PubMed XML and as a man page.
        let zeros = folder.appendingPathComponent("zeros.xml.gz")
        try Hostile.gzipBomb(at: zeros, unit: [0], bytes: 2 << 30)
        _ = try check(zeros, expecting: "zeros.xml.gz:")
        let zerosMan = folder.appendingPathComponent("zeros.1.gz")
        try FileManager.default.copyItem(at: zeros, to: zerosMan)
        _ = try check(zerosMan, expecting: "zeros.1.gz:1: binary file")
        // 2 GB of valid text: blank lines stop at the line bound while streaming; spaces at libxml2's 10 MB text node limit.
        let blank = folder.appendingPathComponent("blank.1.gz")
        try Hostile.gzipBomb(at: blank, prefix: Array(".TH BLANK 1\n".utf8), unit: [0x0a], bytes: 2 << 30)
        _ = try check(blank, expecting: "blank.1.gz:0: too large: more than 4194304 lines")
        let spaces = folder.appendingPathComponent("spaces.xml.gz")
        try Hostile.gzipBomb(at: spaces, prefix: Array("<PubmedArticleSet>".utf8), unit: [0x20], bytes: 2 << 30)
        _ = try check(spaces, expecting: "spaces.xml.gz:1: malformed XML: xmlSAX2Characters: huge text node")
        // Many small paragraphs within the ratio: the per-document text bound stops it.
        let paragraphs = folder.appendingPathComponent("paragraphs.1.gz")
        try Hostile.gzipBomb(at: paragraphs, prefix: Array(".TH P 1\n".utf8), unit: Array("a\n\n".utf8), bytes: 2 << 30)
        _ = try check(paragraphs, expecting: "too large: more than")
    }
}
