/// The three kinds of question Cited answers; each has its own prompt and default model.
public enum Domain: String, Codable, CaseIterable, Sendable {
    case clinical, code, math
}

/// What a document is, by its source format.
public enum DocumentKind: String, Codable, CaseIterable, Sendable {
    /// A PubMed/MEDLINE citation (title, abstract, MeSH).
    case pubmed
    /// A PMC JATS full-text article.
    case pmc
    /// Code documentation: Markdown, reStructuredText, HTML, man pages.
    case doc
    /// Math notes: Markdown with LaTeX, `.tex`.
    case note

    /// The domain a document of this kind belongs to unless the user says otherwise.
    public var defaultDomain: Domain {
        switch self {
        case .pubmed, .pmc: .clinical
        case .doc: .code
        case .note: .math
        }
    }
}
