import CitedCore
import Foundation

/// Dispatch for the whole-file formats (everything but PubMed, which streams).
enum TextFormats {
    static func parse(format: FileFormat, path: String, relative: String, display: String,
                      limits: ExpansionLimits = ExpansionLimits()) throws -> [ParsedDocument] {
        switch format {
        case .pubmed:
            return []
        case .jats:
            // Read whole into a tree: a compressed article may not expand past the tree bound.
            var treeLimits = limits
            treeLimits.maxExpandedBytes = min(limits.maxExpandedBytes, Int64(BlockBuilder.maxTextBytes))
            return [try JATSParser().parse(path: path, relative: relative, display: display, limits: treeLimits)]
        case .html:
            let bytes = try FileText.bytes(path: path, displayPath: display, limits: limits)
            _ = try FileText.text(bytes, displayPath: display)
            let (title, blocks) = try HTMLParser().parse(bytes, display: display)
            return [document(path: path, relative: relative, kind: .doc, title: title, blocks: blocks)]
        case .man:
            // Streamed line by line (man pages are the text format that comes gzipped).
            var parser = ManParser()
            try FileText.forEachLine(path: path, displayPath: display, limits: limits) { line, number in
                parser.feed(line, number: number)
            }
            if parser.overflowed { throw tooLarge(display) }
            let (title, blocks) = parser.finish()
            if blocks.isEmpty { return [] } // a `.so` redirect or an empty page
            return [document(path: path, relative: relative, kind: .doc, title: title, blocks: blocks)]
        case .markdown, .rst, .tex:
            let text = try FileText.text(try FileText.bytes(path: path, displayPath: display, limits: limits),
                                         displayPath: display)
            let lines = splitLines(text)
            let title: String?
            let blocks: [Block]
            var kind = format.kind
            do {
                switch format {
                case .markdown:
                    (title, blocks) = try MarkdownParser().parse(lines)
                    if MarkdownParser.hasMath(text) { kind = .note }
                case .rst:
                    (title, blocks) = try RSTParser().parse(lines)
                default:
                    (title, blocks) = try TeXParser().parse(lines)
                }
            } catch is BlockBuilder.TooMuchText {
                throw tooLarge(display)
            }
            return [document(path: path, relative: relative, kind: kind, title: title, blocks: blocks)]
        }
    }

    private static func tooLarge(_ display: String) -> IngestError {
        .tooLarge(path: display, reason: "more than \(BlockBuilder.maxTextBytes) bytes of text in one document")
    }

    /// Lines without their terminators (`\n`, `\r\n`).
    static func splitLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    private static func document(path: String, relative: String, kind: DocumentKind, title: String?,
                                 blocks: [Block]) -> ParsedDocument {
        let name = (relative as NSString).lastPathComponent
        return ParsedDocument(key: "file:\(path)", kind: kind, title: title.flatMap { $0.isEmpty ? nil : $0 } ?? name,
                              blocks: blocks, locatorStyle: .lines)
    }
}

/// Collects paragraph lines into blocks, tracking the heading stack; shared by the line-based parsers.
struct BlockBuilder {
    var blocks: [Block] = []
    var headings: [(level: Int, text: String)] = []
    var label: String?
    private var lines: [String] = []
    private var start = 0
    private var end = 0
    /// Bytes in `lines` (the open paragraph).
    private var paragraphBytes = 0
    var title: String?
    /// Bytes of text (plus a per-block allowance) gathered so far; see `maxTextBytes`.
    var textBytes = 0

    /// Most text one document may gather (a streamed, decompressed page stops here).
    static let maxTextBytes = 64 << 20

    /// What a block costs in memory besides its text, through ingest (the block, its heading path, its passage
    /// and locator): about 690 bytes measured on 800,000 one-line sections (550 MB parsed and chunked), so a
    /// document of tiny blocks stops near 130,000 of them, well above real pages (a few thousand).
    static let blockOverhead = 512

    /// The bytes a block of `text` counts against `maxTextBytes`.
    static func cost(of text: String) -> Int { text.utf8.count + blockOverhead }

    /// Whether the document outgrew `maxTextBytes`.
    var overflowed: Bool { textBytes > Self.maxTextBytes }

    /// Thrown by a parser that stopped because its document outgrew `maxTextBytes` (never a silent cut).
    struct TooMuchText: Error {}

    var path: [String] { headings.map(\.text) + (label.map { [$0] } ?? []) }

    /// Longest paragraph gathered as one block: a file of a million lines and no blank line (`> > > …`, a list
    /// nested by indentation) is closed here and goes on in a new block, so sentence and word splitting never see
    /// more than this at once (a 45 MB paragraph took minutes and GBs).
    static let maxParagraphBytes = 64 << 10

    /// Adds a line (1-based number) to the open paragraph (closing it first when it has `maxParagraphBytes`).
    mutating func add(_ line: String, number: Int) {
        if paragraphBytes >= Self.maxParagraphBytes { flush() }
        if lines.isEmpty { start = number }
        textBytes += line.utf8.count + 16
        paragraphBytes += line.utf8.count + 1
        lines.append(line)
        end = number
    }

    /// Closes the open paragraph.
    mutating func flush(kind: Block.Kind = .paragraph) {
        guard !lines.isEmpty else { return }
        defer { lines = []; paragraphBytes = 0 }
        let joined = kind == .paragraph
            ? normalizeSpace(lines.joined(separator: " "))
            : lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
        guard !joined.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        textBytes += Self.blockOverhead
        blocks.append(Block(kind: kind, text: joined, headingPath: path, startLine: start, endLine: end, label: label))
    }

    /// Adds a whole block (code, formula) at once.
    mutating func block(_ kind: Block.Kind, _ text: String, from: Int, to: Int, label: String? = nil) {
        flush()
        let clean = kind == .paragraph ? normalizeSpace(text) : text.trimmingCharacters(in: .newlines)
        guard !clean.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        textBytes += Self.cost(of: clean)
        blocks.append(Block(kind: kind, text: clean, headingPath: path, startLine: from, endLine: to,
                            label: label ?? self.label))
    }

    /// Opens a heading at `level` (1 outermost), closing deeper ones.
    mutating func heading(_ text: String, level: Int) {
        flush()
        label = nil
        headings.removeAll { $0.level >= level }
        let clean = normalizeSpace(text)
        headings.append((level, clean))
        if title == nil { title = clean }
    }
}
