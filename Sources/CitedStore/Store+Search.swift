import GRDB

/// The queries retrieval runs: filters, BM25 through FTS5, term statistics, and loading hits.
extension Store {
    /// Passage ids allowed by `filter` in ascending order, or nil when nothing is filtered.
    public func passageIDs(allowedBy filter: DocumentFilter) throws -> [Int64]? {
        guard let condition = filter.sqlCondition() else { return nil }
        return try pool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT p.id FROM passage p JOIN document d ON d.id = p.document_id WHERE \(condition.sql) ORDER BY p.id
                """, arguments: condition.arguments)
        }
    }

    /// BM25 over passage text, title and headings, restricted by `filter`; best first, lower `score` is better
    /// (SQLite's sign).
    /// - Parameter match: an FTS5 MATCH expression.
    public func bm25Search(_ match: String, limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)] {
        try pool.read { db in
            var arguments: StatementArguments = [match]
            var sql = "SELECT f.rowid AS id, bm25(passage_fts, 1.0, 0.5, 0.5) AS score FROM passage_fts f"
            if let condition = filter.sqlCondition() {
                sql += " JOIN passage p ON p.id = f.rowid JOIN document d ON d.id = p.document_id"
                sql += " WHERE passage_fts MATCH ? AND \(condition.sql)"
                arguments += condition.arguments
            } else {
                sql += " WHERE passage_fts MATCH ?"
            }
            sql += " ORDER BY score LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0["id"], $0["score"]) }
        }
    }

    /// BM25 through FTS5 for the `IndexStore` protocol: higher is better.
    public func keywordSearch(_ query: KeywordQuery, limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)] {
        try bm25Search(query.fts5Expression, limit: limit, filter: filter).map { ($0.passageID, -$0.score) }
    }

    /// SQLite keeps no vector index: readers search a memory-mapped copy of the `vector` table.
    public var searchesVectors: Bool { false }

    public func nearestPassages(to vector: [Float], limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)] {
        throw StoreError.unsupported("the SQLite store has no vector index (search the vector cache)")
    }

    /// Whether any passage (text, title or heading) holds `term` as one token of the index's tokenizer.
    public func mentions(_ term: String) throws -> Bool {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT 1 FROM passage_fts WHERE passage_fts MATCH ? LIMIT 1",
                             arguments: [Self.phrase(term)]) != nil
        }
    }

    /// The share of the index's passages whose text, title or heading contains `term` (counted up to
    /// `cap` passages, so a common word costs no more than a rare one); one read.
    public func passageShare(mentioning term: String, cap: Int) throws -> Double {
        try pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM passage") ?? 0
            guard total > 0 else { return 0 }
            let count = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT 1 FROM passage_fts WHERE passage_fts MATCH ? LIMIT ?)
                """, arguments: [Self.phrase(term), cap]) ?? 0
            return Double(count) / Double(total)
        }
    }

    /// `term` as one FTS5 phrase (double quotes doubled).
    private static func phrase(_ term: String) -> String {
        "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// In one read: the documents of the passages with these ids, the passages `choose` keeps, and their documents.
    /// Only the kept passages and their documents are loaded whole (a search ranks ~100 ids and keeps ~10).
    /// - Parameters:
    ///   - choose: picks from the passages found (passage id → document id); returns the ids kept, in order.
    /// - Returns: the kept passages in `choose`'s order, and their documents by id.
    public func passagesWithDocuments(ids: [Int64], choose: ([Int64: Int64]) throws -> [Int64]) throws
        -> (passages: [PassageRecord], documents: [Int64: DocumentRecord]) {
        try pool.read { db in
            var documentOf: [Int64: Int64] = [:]
            documentOf.reserveCapacity(ids.count)
            let owners = try Row.fetchCursor(db, sql: "SELECT id, document_id FROM passage WHERE id IN (\(Self.list(ids)))")
            while let row = try owners.next() { documentOf[row[0]] = row[1] }
            let chosen = try choose(documentOf)
            var byID: [Int64: PassageRecord] = [:]
            for p in try PassageRecord.fetchAll(db, sql: "SELECT * FROM passage WHERE id IN (\(Self.list(chosen)))") {
                byID[p.id!] = p
            }
            let documentIDs = Set(chosen.compactMap { documentOf[$0] })
            var documents: [Int64: DocumentRecord] = [:]
            for d in try DocumentRecord.fetchAll(db, sql: "SELECT * FROM document WHERE id IN (\(Self.list(documentIDs)))") {
                documents[d.id!] = d
            }
            return (chosen.compactMap { byID[$0] }, documents)
        }
    }

    /// Integers as an SQL list (`1,2,3`; `NULL` when empty, which matches nothing): ids are numbers, never text,
    /// so there is nothing to escape, and one statement text per length is not worth caching.
    static func list<S: Sequence<Int64>>(_ ids: S) -> String {
        let text = ids.map(String.init).joined(separator: ",")
        return text.isEmpty ? "NULL" : text
    }
}
