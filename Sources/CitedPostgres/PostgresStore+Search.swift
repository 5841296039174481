import CitedCore
import CitedStore
import Foundation
import PostgresNIO

extension DocumentFilter {
    /// The filter as a condition on `document d` for PostgreSQL (values bound into `binds`), or nil when empty.
    func postgresCondition(_ binds: inout Binds) -> String? {
        var clauses: [String] = []
        if !domains.isEmpty { clauses.append("d.domain = ANY(\(binds.add(domains.map(\.rawValue)))::text[])") }
        if !kinds.isEmpty { clauses.append("d.kind = ANY(\(binds.add(kinds.map(\.rawValue)))::text[])") }
        if let yearFrom { clauses.append("d.year >= \(binds.add(yearFrom))") }
        if let yearTo { clauses.append("d.year <= \(binds.add(yearTo))") }
        if let journal { clauses.append("d.journal ILIKE \(binds.add("%" + PostgresStore.likeEscaped(journal) + "%"))") }
        if let publicationType {
            clauses.append("""
                EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.metadata -> 'publicationTypes') t
                        WHERE lower(t) = lower(\(binds.add(publicationType))))
                """)
        }
        if let mesh {
            clauses.append("""
                EXISTS (SELECT 1 FROM jsonb_array_elements(d.metadata -> 'mesh') m
                        WHERE lower(m ->> 'descriptor') = lower(\(binds.add(mesh))))
                """)
        }
        if let pathGlob { clauses.append("d.path ~ \(binds.add(Self.regex(glob: pathGlob)))") }
        return clauses.isEmpty ? nil : clauses.joined(separator: " AND ")
    }

    /// SQLite's GLOB (`*`, `?`, `[…]`, `[^…]`, case-sensitive, whole string) as an anchored POSIX regular expression.
    static func regex(glob: String) -> String {
        var out = "^"
        var inClass = false
        for character in glob {
            if inClass {
                if character == "]" { inClass = false; out.append("]") } else if character == "\\" { out += "\\\\" } else { out.append(character) }
                continue
            }
            switch character {
            case "*": out += ".*"
            case "?": out += "."
            case "[": inClass = true; out.append("[")
            case ".", "+", "(", ")", "{", "}", "|", "^", "$", "\\", "]": out += "\\" + String(character)
            default: out.append(character)
            }
        }
        if inClass { out += "]" }
        return out + "$"
    }
}

extension PostgresStore {
    // MARK: Retrieval

    public func passageIDs(allowedBy filter: DocumentFilter) throws -> [Int64]? {
        var binds = Binds()
        guard let condition = filter.postgresCondition(&binds) else { return nil }
        return try pool.with { session in
            try session.query("""
                SELECT p.id FROM passage p JOIN document d ON d.id = p.document_id WHERE \(condition) ORDER BY p.id
                """, binds).map { try $0.get(0, as: Int64.self) }
        }
    }

    /// Okapi BM25 as SQLite's FTS5 computes it (k1 = 1.2, b = 0.75; per phrase idf = ln((N − n + 0.5)/(n + 0.5)),
    /// at least 1e-6; term frequency weighted 1.0 in the text, 0.5 in the title and headings; length = all tokens),
    /// over the GIN-indexed lexemes, with the filter in the same statement.
    public func keywordSearch(_ query: KeywordQuery, limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)] {
        guard let (phrases, tsquery) = Lexemes.query(query), limit > 0 else { return [] }
        return try pool.with { session in
            let (total, averageLength) = try keywordStatistics(session)
            guard total > 0 else { return [] }
            // Documents per phrase: one GIN count each, in one statement.
            var countBinds = Binds()
            let list = countBinds.add(phrases.map(\.tsquery))
            let counts = try session.query("""
                SELECT (SELECT count(*) FROM passage WHERE lexemes @@ q::tsquery) FROM unnest(\(list)::text[]) WITH ORDINALITY AS t(q, i) ORDER BY i
                """, countBinds).map { try $0.get(0, as: Int.self) }
            let idf = counts.map { n in max(1e-6, log((Double(total) - Double(n) + 0.5) / (Double(n) + 0.5))) }
            var binds = Binds()
            let q = binds.add(tsquery)
            let tokens = binds.add(phrases.map(\.token))
            let prefixes = binds.add(phrases.map(\.isPrefix))
            let weights = binds.add(idf)
            let gates = binds.add(phrases.map(\.gate))
            let average = binds.add(max(averageLength, 1e-9))
            var sql = """
                SELECT c.id, sum(q.idf * m.tf * 2.2 / (m.tf + 1.2 * (0.25 + 0.75 * c.lexeme_count / \(average)))) AS score
                FROM (SELECT p.id, p.lexemes, p.lexeme_count FROM passage p
                """
            if let condition = filter.postgresCondition(&binds) {
                sql += " JOIN document d ON d.id = p.document_id WHERE p.lexemes @@ \(q)::tsquery AND \(condition)"
            } else {
                sql += " WHERE p.lexemes @@ \(q)::tsquery"
            }
            sql += """
                ) c,
                unnest(\(tokens)::text[], \(prefixes)::bool[], \(weights)::float8[], \(gates)::text[]) AS q(token, prefix, idf, gate),
                LATERAL (SELECT coalesce(sum(CASE w WHEN 'A' THEN 1.0 ELSE 0.5 END), 0)::float8 AS tf
                         FROM unnest(c.lexemes) u, unnest(u.weights) w
                         WHERE u.lexeme = q.token OR (q.prefix AND starts_with(u.lexeme, q.token))) m
                WHERE m.tf > 0 AND c.lexemes @@ q.gate::tsquery
                GROUP BY c.id ORDER BY score DESC, c.id LIMIT \(binds.add(limit))
                """
            return try session.query(sql, binds).map { (try $0.get(0, as: Int64.self), try $0.get(1, as: Double.self)) }
        }
    }

    public func mentions(_ term: String) throws -> Bool {
        guard let phrase = Lexemes.phrase(term) else { return false }
        return try pool.with { session in
            var binds = Binds()
            return !(try session.query("SELECT 1 FROM passage WHERE lexemes @@ \(binds.add(phrase))::tsquery LIMIT 1", binds).isEmpty)
        }
    }

    public func passageShare(mentioning term: String, cap: Int) throws -> Double {
        guard let phrase = Lexemes.phrase(term) else { return 0 }
        return try pool.with { session in
            let (total, _) = try keywordStatistics(session)
            guard total > 0 else { return 0 }
            var binds = Binds()
            let count = try session.query("""
                SELECT count(*) FROM (SELECT 1 FROM passage WHERE lexemes @@ \(binds.add(phrase))::tsquery LIMIT \(binds.add(max(0, cap)))) s
                """, binds)[0].get(0, as: Int.self)
            return Double(count) / Double(total)
        }
    }

    public func passagesWithDocuments(ids: [Int64], choose: ([Int64: Int64]) throws -> [Int64]) throws
        -> (passages: [PassageRecord], documents: [Int64: DocumentRecord]) {
        try pool.with { session in
            var binds = Binds()
            var documentOf: [Int64: Int64] = [:]
            for row in try session.query("SELECT id, document_id FROM passage WHERE id = ANY(\(binds.add(ids))::int8[])", binds) {
                documentOf[try row.get(0)] = try row.get(1)
            }
            let chosen = try choose(documentOf)
            var passageBinds = Binds()
            var byID: [Int64: PassageRecord] = [:]
            for row in try session.query("SELECT \(Self.passageColumns) FROM passage p WHERE p.id = ANY(\(passageBinds.add(chosen))::int8[])",
                                         passageBinds) {
                let passage = try Self.passage(row)
                byID[passage.id!] = passage
            }
            var documentBinds = Binds()
            let documentIDs = Array(Set(chosen.compactMap { documentOf[$0] }))
            var documents: [Int64: DocumentRecord] = [:]
            for row in try session.query("SELECT \(Self.documentColumns) FROM document d WHERE d.id = ANY(\(documentBinds.add(documentIDs))::int8[])",
                                         documentBinds) {
                let document = try Self.document(row)
                documents[document.id!] = document
            }
            return (chosen.compactMap { byID[$0] }, documents)
        }
    }

    public var searchesVectors: Bool { true }

    /// Nearest passages by cosine through the HNSW index (iterative scans keep a filtered search from coming back
    /// short); sorted again by exact distance, since relaxed-order scans may return neighbours slightly out of order.
    /// With a filter on a pgvector older than 0.8 (no iterative scans) the search is exact: a sequential scan of the
    /// filtered rows, so that it never comes back short.
    public func nearestPassages(to vector: [Float], limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)] {
        guard limit > 0 else { return [] }
        return try pool.with { session in
            guard try session.query("SELECT to_regclass('passage_vector') IS NOT NULL")[0].get(0, as: Bool.self) else { return [] }
            let ef = min(1_000, max(efSearch, limit))
            try session.execute("SET hnsw.ef_search = \(ef)")  // an integer computed here
            var binds = Binds()
            let query = binds.add(vector)
            var sql = "SELECT v.passage_id, v.embedding <=> \(query)::float4[]::vector AS distance FROM passage_vector v"
            let condition = filter.postgresCondition(&binds)
            if let condition {
                sql += " JOIN passage p ON p.id = v.passage_id JOIN document d ON d.id = p.document_id WHERE \(condition)"
            }
            sql += " ORDER BY distance LIMIT \(binds.add(limit))"
            func run() throws -> [(Int64, Double)] {
                try session.query(sql, binds).map { (try $0.get(0, as: Int64.self), 1 - (try $0.get(1, as: Double.self))) }
            }
            let rows = condition != nil && !iterativeScans
                ? try session.transaction {
                    try session.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
                    return try run()
                }
                : try run()
            return rows.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.map { ($0.0, $0.1) }
        }
    }

    /// Exact nearest passages by cosine (a sequential scan, no index): the reference HNSW recall is measured against.
    public func exactNearestPassages(to vector: [Float], limit: Int) throws -> [(passageID: Int64, score: Double)] {
        try pool.with { session in
            try session.transaction {
                try session.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
                var binds = Binds()
                let query = binds.add(vector)
                return try session.query("""
                    SELECT passage_id, 1 - (embedding <=> \(query)::float4[]::vector) FROM passage_vector
                    ORDER BY embedding <=> \(query)::float4[]::vector LIMIT \(binds.add(limit))
                    """, binds).map { (try $0.get(0, as: Int64.self), try $0.get(1, as: Double.self)) }
            }
        }
    }
}
