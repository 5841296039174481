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

    /// In one read: the passages with these ids, the ones `choose` keeps, and the documents of those.
    /// - Parameters:
    ///   - choose: picks from the passages found (keyed by id); returns what the caller needs per pick.
    ///   - documentID: the document of one pick.
    public func passagesWithDocuments<Pick>(ids: [Int64], choose: ([Int64: PassageRecord]) throws -> [Pick],
                                            documentID: (Pick) -> Int64) throws
        -> (picks: [Pick], documents: [Int64: DocumentRecord]) {
        try pool.read { db in
            var passages: [Int64: PassageRecord] = [:]
            for p in try PassageRecord.filter(ids.contains(Column("id"))).fetchAll(db) { passages[p.id!] = p }
            let chosen = try choose(passages)
            let documentIDs = Array(Set(chosen.map(documentID)))
            var documents: [Int64: DocumentRecord] = [:]
            for d in try DocumentRecord.filter(documentIDs.contains(Column("id"))).fetchAll(db) { documents[d.id!] = d }
            return (chosen, documents)
        }
    }
}
