/// Where a passage comes from, as shown to the user and in every JSON answer (see CLI.md).
public struct Source: Codable, Hashable, Sendable {
    public var kind: DocumentKind
    /// A stable reference: `PMID:34567890`, `PMC123456`, or `relative/path#Section`.
    public var id: String
    public var pmid: String?
    public var doi: String?
    /// The document's path relative to its ingest root.
    public var path: String?
    public var title: String
    /// Where in the document: `Abstract §RESULTS`, `§Methods ¶3`, `library/x.rst.txt:120-148 (lru_cache)`.
    public var locator: String
    public var year: Int?
    /// Warnings a reader must see beside the reference: `retracted`, `erratum`, `instructions` (the passage
    /// carries instructions to the model; see `InstructionDetector`).
    public var flags: [String]?
    /// The flag of a passage with instructions to the model in it.
    public static let instructionsFlag = "instructions"

    public init(kind: DocumentKind, id: String, pmid: String? = nil, doi: String? = nil, path: String? = nil,
                title: String, locator: String, year: Int? = nil, flags: [String]? = nil) {
        self.kind = kind
        self.id = id
        self.pmid = pmid
        self.doi = doi
        self.path = path
        self.title = title
        self.locator = locator
        self.year = year
        self.flags = flags
    }
}

extension Source {
    /// One line for people: `PMID:33046432 · doi:10.… · Title (2020) · Abstract §RESULTS · ⚠ RETRACTED`.
    public var referenceLine: String {
        var line = id
        if let doi { line += " · doi:\(doi)" }
        line += " · \(title)"
        if let year { line += " (\(year))" }
        line += " · \(locator)"
        if let flags { line += " · " + flags.map { "⚠ \($0.uppercased())" }.joined(separator: " ") }
        return line
    }
}
