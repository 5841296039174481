import Foundation
import GRDB

/// What `cited show` and the server's passage view open: the references an answer cites.
extension Store {
    /// The document a reference names and the passage it points at (nil: the whole document).
    ///
    /// A reference is `PMID:34567890` (or the bare number), a DOI (`10.…`), a PMCID, a passage id
    /// (`passage:123`), or a document path with an optional line or section (`library/functools.rst.txt:120`,
    /// `library/functools.rst.txt#lru_cache`). Every value is bound as a parameter.
    public func resolve(reference: String) throws -> (document: DocumentRecord, passageID: Int64?) {
        var ref = reference.trimmingCharacters(in: .whitespaces)
        if ref.lowercased().hasPrefix("passage:"), let id = Int64(ref.dropFirst(8)) {
            let passage = try passage(id: id)
            return (try document(id: passage.documentId), id)
        }
        if ref.uppercased().hasPrefix("PMID:") { ref = String(ref.dropFirst(5)) }
        return try pool.read { db -> (DocumentRecord, Int64?) in
            if !ref.isEmpty, ref.allSatisfy(\.isNumber),
               let document = try DocumentRecord.filter(sql: "pmid = ?", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            if ref.hasPrefix("10."),
               let document = try DocumentRecord.filter(sql: "lower(doi) = lower(?)", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            if ref.uppercased().hasPrefix("PMC"),
               let document = try DocumentRecord.filter(sql: "upper(pmcid) = upper(?)", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            var path = ref
            var line: Int?
            var section: String?
            if let hash = path.firstIndex(of: "#") {
                section = String(path[path.index(after: hash)...])
                path = String(path[..<hash])
            } else if let colon = path.lastIndex(of: ":"),
                      let number = Int(path[path.index(after: colon)...].prefix { $0.isNumber }) {
                line = number
                path = String(path[..<colon])
            }
            guard !path.isEmpty,
                  let document = try DocumentRecord.filter(sql: "path = ? OR path LIKE ? ESCAPE '\\'",
                                                           arguments: [path, "%/" + Self.likeEscaped(path)]).fetchOne(db)
            else { throw StoreError.referenceNotFound(reference) }
            let passages = try PassageRecord.filter(sql: "document_id = ?", arguments: [document.id!])
                .order(sql: "ordinal").fetchAll(db)
            if let line {
                let hit = passages.first { ($0.startLine ?? Int.max) <= line && line <= ($0.endLine ?? Int.min) }
                    ?? passages.last { ($0.startLine ?? Int.max) <= line }
                return (document, hit?.id)
            }
            if let section {
                let lowered = section.lowercased()
                return (document, passages.first { $0.headingPath.lowercased().contains(lowered) }?.id)
            }
            return (document, nil)
        }
    }

    /// `text` with LIKE's wildcards escaped (escape character `\`).
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// How many source files the index has read.
    public func fileCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM source_file") ?? 0 }
    }

    /// The chunker versions the documents were cut with (one, unless a rebuild is due).
    public func chunkerVersions() throws -> [Int] {
        try pool.read { try Int.fetchAll($0, sql: "SELECT DISTINCT chunker_version FROM document") }
    }
}
