import CitedCore
import CitedStore

/// One structural unit of a parsed document, before chunking.
public struct Block: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Prose: may be split at sentence boundaries.
        case paragraph
        /// A code block: never split unless it alone exceeds the token bound (then at blank lines or lines).
        case code
        /// A display formula or a theorem-like environment: never split.
        case formula
    }

    public var kind: Kind
    public var text: String
    /// Headings from the outermost in (e.g. `["Abstract", "RESULTS"]`, `["Methods", "Cell culture"]`).
    public var headingPath: [String]
    /// 1-based inclusive line range in the source file, when the format has lines.
    public var startLine: Int?
    public var endLine: Int?
    /// Paragraph number within its section (1-based), for `§Methods ¶3` locators.
    public var paragraph: Int?
    /// A `\label` or anchor naming this block, if any.
    public var label: String?

    public init(kind: Kind = .paragraph, text: String, headingPath: [String], startLine: Int? = nil,
                endLine: Int? = nil, paragraph: Int? = nil, label: String? = nil) {
        self.kind = kind
        self.text = text
        self.headingPath = headingPath
        self.startLine = startLine
        self.endLine = endLine
        self.paragraph = paragraph
        self.label = label
    }
}

/// How a document's passages are located: decides the locator format.
public enum LocatorStyle: Hashable, Sendable {
    /// `Abstract §RESULTS`, `Title`.
    case abstract
    /// `§Methods ¶3`.
    case sectionParagraph
    /// `relative/path:12-40 (heading)`.
    case lines
}

/// A parsed document: metadata plus blocks in reading order.
public struct ParsedDocument: Hashable, Sendable {
    public var key: String
    public var kind: DocumentKind
    public var title: String
    public var pmid: String?
    public var pmcid: String?
    public var doi: String?
    public var year: Int?
    public var journal: String?
    public var language: String?
    public var metadata: DocumentMetadata
    public var blocks: [Block]
    public var locatorStyle: LocatorStyle

    public init(key: String, kind: DocumentKind, title: String, pmid: String? = nil, pmcid: String? = nil,
                doi: String? = nil, year: Int? = nil, journal: String? = nil, language: String? = nil,
                metadata: DocumentMetadata = DocumentMetadata(), blocks: [Block] = [], locatorStyle: LocatorStyle) {
        self.key = key
        self.kind = kind
        self.title = title
        self.pmid = pmid
        self.pmcid = pmcid
        self.doi = doi
        self.year = year
        self.journal = journal
        self.language = language
        self.metadata = metadata
        self.blocks = blocks
        self.locatorStyle = locatorStyle
    }

    /// SHA-256 over every field that reaches the store, plus the chunker version.
    public func contentHash(chunkerVersion: Int) -> String {
        var hasher = SHA256()
        func add(_ field: String?) {
            hasher.update(field ?? "\u{1}")
            hasher.update("\u{0}")
        }
        add(String(chunkerVersion)); add(key); add(kind.rawValue); add(title); add(pmid); add(pmcid); add(doi)
        add(year.map(String.init)); add(journal); add(language)
        let m = metadata
        add(m.authors.joined(separator: "\u{2}"))
        add(m.mesh.map { "\($0.descriptor)|\($0.major)|\($0.qualifiers.joined(separator: ","))" }.joined(separator: "\u{2}"))
        add(m.publicationTypes.joined(separator: "\u{2}")); add(m.keywords.joined(separator: "\u{2}"))
        add(m.articleIDs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{2}"))
        add(String(m.retracted)); add(m.retractionIn.joined(separator: "\u{2}")); add(m.erratumIn.joined(separator: "\u{2}"))
        for block in blocks {
            add(block.kind.rawValue); add(block.text); add(block.headingPath.joined(separator: "\u{2}"))
            add(block.startLine.map(String.init)); add(block.endLine.map(String.init))
            add(block.paragraph.map(String.init)); add(block.label)
        }
        return hasher.finalizeHex()
    }
}
