import CitedCore
import GRDB

/// Restrictions applied before the top-k cut: domain, kind, year range, journal, publication type, MeSH, path.
public struct SearchFilters: Equatable, Sendable {
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
    public var isEmpty: Bool { self == SearchFilters() }

    /// The keys `--filter KEY=VALUE` understands.
    public static let keys = ["domain", "kind", "year", "journal", "type", "mesh", "path"]

    /// Adds one `KEY=VALUE` restriction (`year=2015-2020`, `year=2018`, `year=2018-`, `year=-2010`).
    public mutating func apply(_ assignment: String) throws {
        guard let eq = assignment.firstIndex(of: "=") else {
            throw RetrieveError.badFilter(key: assignment, value: "", reason: "expected KEY=VALUE with KEY one of \(Self.keys.joined(separator: ", "))")
        }
        let key = assignment[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        let value = assignment[assignment.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw RetrieveError.badFilter(key: key, value: value, reason: "empty value") }
        switch key {
        case "domain":
            guard let d = Domain(rawValue: value.lowercased()) else {
                throw RetrieveError.badFilter(key: key, value: value, reason: "expected clinical, code or math")
            }
            domains.append(d)
        case "kind":
            guard let k = DocumentKind(rawValue: value.lowercased()) else {
                throw RetrieveError.badFilter(key: key, value: value, reason: "expected pubmed, pmc, doc or note")
            }
            kinds.append(k)
        case "year":
            let parts = value.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func year(_ s: String) throws -> Int? {
                if s.isEmpty { return nil }
                guard let y = Int(s), (1000...9999).contains(y) else {
                    throw RetrieveError.badFilter(key: key, value: value, reason: "expected a year like 2018 or a range like 2015-2020")
                }
                return y
            }
            switch parts.count {
            case 1: yearFrom = try year(parts[0]); yearTo = yearFrom
            case 2: yearFrom = try year(parts[0]); yearTo = try year(parts[1])
            default: throw RetrieveError.badFilter(key: key, value: value, reason: "expected a year or a range like 2015-2020")
            }
            if let a = yearFrom, let b = yearTo, a > b {
                throw RetrieveError.badFilter(key: key, value: value, reason: "range starts after it ends")
            }
        case "journal": journal = value
        case "type", "publication_type", "pubtype": publicationType = value
        case "mesh": mesh = value
        case "path": pathGlob = value
        default:
            throw RetrieveError.badFilter(key: key, value: value, reason: "unknown key; use one of \(Self.keys.joined(separator: ", "))")
        }
    }

    /// A SQL condition on `document d` (with its arguments), or nil when nothing is restricted.
    public func sqlCondition() -> (sql: String, arguments: StatementArguments)? {
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
        if let journal { clauses.append("d.journal LIKE ? ESCAPE '\\'"); arguments.append("%" + Self.escapeLike(journal) + "%") }
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

    static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
