import CitedCore
import Foundation

/// The source formats `cited ingest` reads, detected by name and, where names are ambiguous, content.
public enum FileFormat: String, Sendable, CaseIterable {
    case pubmed, jats, markdown, rst, html, man, tex

    /// The kind of document the format produces (Markdown with math is a note; see `Ingester`).
    public var kind: DocumentKind {
        switch self {
        case .pubmed: .pubmed
        case .jats: .pmc
        case .markdown, .rst, .html, .man: .doc
        case .tex: .note
        }
    }

    /// The format for a file name, or nil if Cited does not read it; `.xml` is sniffed.
    public static func detect(path: String) -> FileFormat? {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.hasPrefix(".") { return nil }
        if name.hasSuffix(".nxml") { return .jats }
        if name.hasSuffix(".xml") || name.hasSuffix(".xml.gz") { return sniffXML(path: path) }
        if name.hasSuffix(".md") || name.hasSuffix(".markdown") || name.hasSuffix(".md.txt") { return .markdown }
        if name.hasSuffix(".rst") || name.hasSuffix(".rst.txt") { return .rst }
        if name.hasSuffix(".html") || name.hasSuffix(".htm") { return .html }
        if name.hasSuffix(".tex") { return .tex }
        // man pages: name.N[suffix] or name.N[suffix].gz, e.g. open.2.gz, printf.3p.gz.
        var base = name
        if base.hasSuffix(".gz") { base = String(base.dropLast(3)) }
        if let dot = base.lastIndex(of: "."), base.index(after: dot) < base.endIndex {
            let section = base[base.index(after: dot)...]
            if let first = section.first, ("1"..."9").contains(first), section.count <= 4,
               section.dropFirst().allSatisfy({ $0.isLetter }) { return .man }
        }
        return nil
    }

    /// JATS when the first kilobytes hold `<article` or `<pmc-articleset`, else PubMed. Only a regular file is
    /// opened (non-blocking), so a FIFO named `.xml` cannot stall detection; it is refused later as unreadable.
    private static func sniffXML(path: String) -> FileFormat {
        if path.hasSuffix(".gz") { return .pubmed }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return .pubmed }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & 0o170000 == 0o100000 else { return .pubmed }
        var head = [UInt8](repeating: 0, count: 4096)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        let text = String(decoding: head.prefix(max(count, 0)), as: UTF8.self)
        if text.contains("<PubmedArticle") { return .pubmed }
        if text.contains("<article") || text.contains("<pmc-articleset") { return .jats }
        return .pubmed
    }
}
