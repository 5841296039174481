import CitedCore
import GRDB

/// Restrictions on documents applied before the top-k cut: domain, kind, year range, journal, publication type,
/// MeSH, path. Retrieval calls it `SearchFilters` and parses `--filter KEY=VALUE` into it; the SQL is built here.
public struct DocumentFilter: Equatable, Sendable {
    public var domains: [Domain] = []
    public var kinds: [DocumentKind] = []
    public var yearFrom: Int?
    public var yearTo: Int?
    /// Case-insensitive substring of the journal name.
    public var journal: String?
    /// Case-insensitive exact publication type (e.g. `Randomized Controlled Trial`).
    public var publicationType: String?
    /// Case-insensitive exact MeSH descriptor (e.g. `Hypertension`).
    public var mesh: String?
    /// A glob (`*`, `?`, `[…]`) on the document's path relative to its ingest root.
    public var pathGlob: String?

    public init() {}

    /// True when nothing is restricted.
    public var isEmpty: Bool { self == DocumentFilter() }

    /// A SQL condition on `document d` (with its arguments, every value bound), or nil when nothing is restricted.
    func sqlCondition() -> (sql: String, arguments: StatementArguments)? {
        var clauses: [String] = []
        var arguments: [DatabaseValueConvertible] = []
        if !domains.isEmpty {
            clauses.append("d.domain IN (\(domains.map { _ in "?" }.joined(separator: ",")))")
            arguments += domains.map(\.rawValue)
        }
        if !kinds.isEmpty {
            clauses.append("d.kind IN (\(kinds.map { _ in "?" }.joined(separator: ",")))")
            arguments += kinds.map(\.rawValue)
        }
        if let yearFrom { clauses.append("d.year >= ?"); arguments.append(yearFrom) }
        if let yearTo { clauses.append("d.year <= ?"); arguments.append(yearTo) }
        if let journal { clauses.append("d.journal LIKE ? ESCAPE '\\'"); arguments.append("%" + Store.likeEscaped(journal) + "%") }
        if let publicationType {
            clauses.append("EXISTS (SELECT 1 FROM json_each(d.metadata, '$.publicationTypes') t WHERE lower(t.value) = lower(?))")
            arguments.append(publicationType)
        }
        if let mesh {
            clauses.append("EXISTS (SELECT 1 FROM json_each(d.metadata, '$.mesh') m WHERE lower(json_extract(m.value, '$.descriptor')) = lower(?))")
            arguments.append(mesh)
        }
        if let pathGlob { clauses.append("d.path GLOB ?"); arguments.append(pathGlob) }
        guard !clauses.isEmpty else { return nil }
        return (clauses.joined(separator: " AND "), StatementArguments(arguments))
    }
}
