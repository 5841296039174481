import CitedCore
import CitedStore
import Foundation
import Logging
import PostgresNIO

/// The index in PostgreSQL with pgvector: many writers (`cited ingest` from several processes or machines) and
/// many readers. Dense search runs in the database (HNSW, cosine), keyword search is BM25 computed in SQL over
/// `tsvector` lexemes (see `Lexemes`), filters are pushed into the same statements, every value is bound.
public final class PostgresStore: IndexStore, @unchecked Sendable {
    /// The URL without password.
    public let location: String
    let pool: ConnectionPool
    /// HNSW candidates per query (`hnsw.ef_search`) at least; more when a search asks for more. `$CITED_PG_EF_SEARCH`
    /// (10...1000) overrides the default, 400: on the dev index (72,462 passages, PubMed and code docs) a code question
    /// whose neighbours all sit in the code docs was missed at 100 (the greedy search stays in the PubMed region)
    /// and found at 200; 400 leaves a margin (see Benchmarks/RESULTS.md).
    public var efSearch = PostgresStore.defaultEfSearch

    public static var defaultEfSearch: Int {
        if let text = ProcessInfo.processInfo.environment["CITED_PG_EF_SEARCH"], let value = Int(text), (10...1_000).contains(value) {
            return value
        }
        return 400
    }
    private let statsLock = NSLock()
    private var stats: (passages: Int, averageLength: Double, at: Date)?

    /// Connects (the URL is `postgres://user[:password]@host[:port]/database`), creates the pgvector extension if
    /// needed and applies the migrations.
    /// - Parameter connections: at most this many connections at once (searches in flight share them).
    public init(url: URL, connections: Int = 8, logger: Logger = Logger(label: "cited.postgres")) throws {
        location = StoreLocation.redacted(url.absoluteString)
        pool = ConnectionPool(configuration: try Self.configuration(for: url), store: location, limit: max(1, connections),
                              setup: "", logger: logger)
        iterativeScans = try pool.with { session in
            try PostgresSchema.migrate(session)
            let version = try session.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
                .first.map { try $0.get(0, as: String.self) } ?? ""
            return Self.hasIterativeScans(pgvector: version)
        }
        if iterativeScans { pool.useSetup("SET hnsw.iterative_scan = relaxed_order") }
    }

    /// Whether the server's pgvector scans an HNSW index iteratively (0.8 and later): a filtered search then keeps
    /// reading the index until it has its rows. Older versions stop after `hnsw.ef_search` candidates, which a
    /// filter may thin out to fewer than asked for; there a filtered search is exact instead (`nearestPassages`).
    public let iterativeScans: Bool

    static func hasIterativeScans(pgvector version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        guard let major = parts.first else { return false }
        return major > 0 || parts.count > 1 && parts[1] >= 8
    }

    /// Connection settings from `postgres://user[:password]@host[:port]/database` (user and password may also
    /// come from `$PGUSER` / `$PGPASSWORD`).
    static func configuration(for url: URL) throws -> PostgresConnection.Configuration {
        let location = StoreLocation.redacted(url.absoluteString)
        guard let host = url.host else { throw StoreError.badStoreURL(location, reason: "no host") }
        let user = url.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = url.password?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let database = url.path.trimmingCharacters(in: ["/"])
        if let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems,
           let mode = query.first(where: { $0.name == "sslmode" })?.value, mode != "disable" {
            throw StoreError.badStoreURL(location, reason: "sslmode=\(mode) is not supported yet (use sslmode=disable on a trusted network, or a local TLS tunnel)")
        }
        var configuration = PostgresConnection.Configuration(host: host, port: url.port ?? 5432, username: user,
                                                             password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    // MARK: Columns

    static let documentColumns = """
        d.id, d.key, d.kind, d.domain, d.file_id, d.root, d.path, d.pmid, d.pmcid, d.doi, d.title, d.year, d.journal,
        d.language, d.metadata::text, d.content_hash, d.chunker_version, d.ingested_at
        """
    static let passageColumns = """
        p.id, p.document_id, p.ordinal, p.text, p.heading_path, p.locator, p.start_line, p.end_line, p.start_char,
        p.end_char, p.token_count, p.has_instructions
        """

    static func document(_ row: PostgresRow) throws -> DocumentRecord {
        let r = row.makeRandomAccess()
        let kindText = try r[2].decode(String.self)
        let domainText = try r[3].decode(String.self)
        guard let kind = DocumentKind(rawValue: kindText), let domain = Domain(rawValue: domainText) else {
            throw StoreError.unsupported("document \(try r[1].decode(String.self)): unknown kind \(kindText) or domain \(domainText)")
        }
        let metadata = try JSONDecoder().decode(DocumentMetadata.self, from: Data(try r[14].decode(String.self).utf8))
        return DocumentRecord(id: try r[0].decode(Int64.self), key: try r[1].decode(String.self), kind: kind, domain: domain,
                              fileId: try r[4].decode(Int64?.self), root: try r[5].decode(String.self),
                              path: try r[6].decode(String.self), pmid: try r[7].decode(String?.self),
                              pmcid: try r[8].decode(String?.self), doi: try r[9].decode(String?.self),
                              title: try r[10].decode(String.self), year: try r[11].decode(Int?.self),
                              journal: try r[12].decode(String?.self), language: try r[13].decode(String?.self),
                              metadata: metadata, contentHash: try r[15].decode(String.self),
                              chunkerVersion: try r[16].decode(Int.self), ingestedAt: try r[17].decode(Date.self))
    }

    static func passage(_ row: PostgresRow) throws -> PassageRecord {
        let r = row.makeRandomAccess()
        return PassageRecord(id: try r[0].decode(Int64.self), documentId: try r[1].decode(Int64.self),
                             ordinal: try r[2].decode(Int.self), text: try r[3].decode(String.self),
                             headingPath: try r[4].decode(String.self), locator: try r[5].decode(String.self),
                             startLine: try r[6].decode(Int?.self), endLine: try r[7].decode(Int?.self),
                             startChar: try r[8].decode(Int?.self), endChar: try r[9].decode(Int?.self),
                             tokenCount: try r[10].decode(Int.self), hasInstructions: try r[11].decode(Bool.self))
    }

    // MARK: Documents and passages

    public func passage(id: Int64) throws -> PassageRecord {
        try pool.with { session in
            var binds = Binds()
            let rows = try session.query("SELECT \(Self.passageColumns) FROM passage p WHERE p.id = \(binds.add(id))", binds)
            guard let row = rows.first else { throw StoreError.passageNotFound(id: id) }
            return try Self.passage(row)
        }
    }

    public func document(id: Int64) throws -> DocumentRecord {
        try pool.with { session in
            var binds = Binds()
            let rows = try session.query("SELECT \(Self.documentColumns) FROM document d WHERE d.id = \(binds.add(id))", binds)
            guard let row = rows.first else { throw StoreError.documentNotFound(id: id) }
            return try Self.document(row)
        }
    }

    public func passages(documentID: Int64) throws -> [PassageRecord] {
        try pool.with { session in
            var binds = Binds()
            return try session.query("""
                SELECT \(Self.passageColumns) FROM passage p WHERE p.document_id = \(binds.add(documentID)) ORDER BY p.ordinal
                """, binds).map(Self.passage)
        }
    }

    public func resolve(reference: String) throws -> (document: DocumentRecord, passageID: Int64?) {
        var ref = reference.trimmingCharacters(in: .whitespaces)
        guard ref.utf8.count <= 4_096 else { throw StoreError.referenceNotFound(String(ref.prefix(80)) + "…") }
        if ref.lowercased().hasPrefix("passage:"), let id = Int64(ref.dropFirst(8)) {
            let passage = try passage(id: id)
            return (try document(id: passage.documentId), id)
        }
        if ref.uppercased().hasPrefix("PMID:") { ref = String(ref.dropFirst(5)) }
        return try pool.with { session -> (DocumentRecord, Int64?) in
            func first(_ condition: String, _ value: String) throws -> DocumentRecord? {
                var binds = Binds()
                let sql = "SELECT \(Self.documentColumns) FROM document d WHERE " + condition.replacingOccurrences(of: "?", with: binds.add(value))
                    + " ORDER BY d.id LIMIT 1"
                return try session.query(sql, binds).first.map(Self.document)
            }
            if !ref.isEmpty, ref.allSatisfy(\.isNumber), let document = try first("d.pmid = ?", ref) { return (document, nil) }
            if ref.hasPrefix("10."), let document = try first("lower(d.doi) = lower(?)", ref) { return (document, nil) }
            if ref.uppercased().hasPrefix("PMC"), let document = try first("upper(d.pmcid) = upper(?)", ref) { return (document, nil) }
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
            guard !path.isEmpty else { throw StoreError.referenceNotFound(reference) }
            var binds = Binds()
            let sql = "SELECT \(Self.documentColumns) FROM document d WHERE d.path = \(binds.add(path)) OR d.path LIKE "
                + "\(binds.add("%/" + Self.likeEscaped(path))) ORDER BY d.id LIMIT 1"
            guard let document = try session.query(sql, binds).first.map(Self.document) else {
                throw StoreError.referenceNotFound(reference)
            }
            var passageBinds = Binds()
            let passages = try session.query("""
                SELECT \(Self.passageColumns) FROM passage p WHERE p.document_id = \(passageBinds.add(document.id!)) ORDER BY p.ordinal
                """, passageBinds).map(Self.passage)
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

    /// `text` with LIKE's wildcards escaped (PostgreSQL's default escape character is `\`).
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    public func counts() throws -> [IndexCount] {
        try pool.with { session in
            try session.query("""
                SELECT d.kind, d.domain, COUNT(DISTINCT d.id), COUNT(p.id)
                FROM document d LEFT JOIN passage p ON p.document_id = d.id
                GROUP BY d.kind, d.domain ORDER BY d.kind, d.domain
                """).map {
                IndexCount(kind: try $0.get(0), domain: try $0.get(1), documents: try $0.get(2), passages: try $0.get(3))
            }
        }
    }

    public func fileCount() throws -> Int { try scalar("SELECT count(*) FROM source_file") }

    public func chunkerVersions() throws -> [Int] {
        try pool.with { try $0.query("SELECT DISTINCT chunker_version FROM document ORDER BY 1").map { try $0.get(0) } }
    }

    public func instructionPassageCount() throws -> Int { try scalar("SELECT count(*) FROM passage WHERE has_instructions") }

    public func meta(_ key: String) throws -> String? {
        try pool.with { session in
            var binds = Binds()
            return try session.query("SELECT value FROM index_meta WHERE key = \(binds.add(key))", binds).first?.get(0)
        }
    }

    func scalar(_ sql: String) throws -> Int {
        try pool.with { try $0.query(sql)[0].get(0, as: Int.self) }
    }

    // MARK: Audit log

    public func appendAnswer(_ record: AnswerRecord) throws -> Int64 {
        try pool.with { session in
            var b = Binds()
            let sql = """
                INSERT INTO answer (created_at, question, domain, model, model_sha256, embedder, embedder_sha256,
                                    prompt_sha256, seed, parameters, retrieved, answer, abstained, total_ms)
                VALUES (\(b.add(record.createdAt)), \(b.add(record.question)), \(b.add(record.domain)), \(b.add(record.model)),
                        \(b.add(record.modelSHA256)), \(b.add(record.embedder)), \(b.add(record.embedderSHA256)),
                        \(b.add(record.promptSHA256)), \(b.add(record.seed)), \(b.add(record.parameters)),
                        \(b.add(record.retrieved)), \(b.add(record.answer)), \(b.add(record.abstained)), \(b.add(record.totalMS)))
                RETURNING id
                """
            return try session.query(sql, b)[0].get(0, as: Int64.self)
        }
    }

    public func answerCount() throws -> Int { try scalar("SELECT count(*) FROM answer") }

    public func answer(id: Int64) throws -> AnswerRecord? {
        try pool.with { session in
            var b = Binds()
            guard let row = try session.query("""
                SELECT id, created_at, question, domain, model, model_sha256, embedder, embedder_sha256, prompt_sha256, seed,
                       parameters, retrieved, answer, abstained, total_ms FROM answer WHERE id = \(b.add(id))
                """, b).first else { return nil }
            let r = row.makeRandomAccess()
            var record = AnswerRecord(question: try r[2].decode(String.self), domain: try r[3].decode(String.self),
                                      model: try r[4].decode(String.self), modelSHA256: try r[5].decode(String.self),
                                      embedder: try r[6].decode(String.self), embedderSHA256: try r[7].decode(String.self),
                                      promptSHA256: try r[8].decode(String.self), seed: try r[9].decode(Int64.self),
                                      parameters: try r[10].decode(String.self), retrieved: try r[11].decode(String.self),
                                      answer: try r[12].decode(String.self), abstained: try r[13].decode(Bool.self),
                                      totalMS: try r[14].decode(Int.self))
            record.id = try r[0].decode(Int64.self)
            record.createdAt = try r[1].decode(Date.self)
            return record
        }
    }

    // MARK: Ingest

    public func withIngestWriter<T>(_ body: (any IngestWriter) throws -> T) throws -> T {
        try pool.with { session in
            let writer = PostgresIngestWriter(session: session)
            do {
                let value = try body(writer)
                if writer.inTransaction { try session.execute("COMMIT") }
                return value
            } catch {
                if writer.inTransaction { try? session.execute("ROLLBACK") }
                throw error
            }
        }
    }

    // MARK: Bulk copy (index export)

    /// Passage-count statistics BM25 needs (N, average length), cached for a minute: exact counts of a large table
    /// cost a scan, and a minute-old average changes no ranking that matters.
    func keywordStatistics(_ session: Session) throws -> (passages: Int, averageLength: Double) {
        statsLock.lock()
        if let stats, Date().timeIntervalSince(stats.at) < 60 {
            statsLock.unlock()
            return (stats.passages, stats.averageLength)
        }
        statsLock.unlock()
        let row = try session.query("SELECT count(*), coalesce(avg(lexeme_count), 0)::float8 FROM passage")[0]
        let fresh = (passages: try row.get(0, as: Int.self), averageLength: try row.get(1, as: Double.self))
        statsLock.lock()
        stats = fresh.passages > 0 ? (fresh.passages, fresh.averageLength, Date()) : nil
        statsLock.unlock()
        return fresh
    }

    /// Forgets the cached statistics (after a write in this process).
    func invalidateStatistics() {
        statsLock.lock()
        stats = nil
        statsLock.unlock()
    }
}
