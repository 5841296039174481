import CitedCore
import CitedStore
import Foundation

/// Restrictions applied before the top-k cut: domain, kind, year range, journal, publication type, MeSH, path.
/// The fields (and their SQL) live in CitedStore's `DocumentFilter`; this module parses `--filter KEY=VALUE`.
public typealias SearchFilters = DocumentFilter

extension DocumentFilter {
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
}
