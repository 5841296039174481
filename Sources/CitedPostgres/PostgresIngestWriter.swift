import CitedCore
import CitedStore
import Foundation
import PostgresNIO

/// One ingest run's writer on PostgreSQL. Many of them may run at once (processes, machines):
/// - each file is one transaction (`commitsEachFile`), begun by the ingester, claimed with a transaction-scoped
///   advisory lock on (root, path), so two workers never ingest the same file at once (the second waits, then
///   finds it done and unchanged);
/// - a document is inserted with `ON CONFLICT (key) DO NOTHING`; when another writer stored the same key meanwhile,
///   its row is replaced (last writer wins), so a key is never stored twice;
/// - passage ids come from the sequence, fetched before the insert, so each passage's id is known in order;
/// - a worker killed mid-file leaves nothing of that file (its transaction never commits), and the file's hash is
///   written last, so the next run ingests it again.
final class PostgresIngestWriter: IngestWriter {
    let session: Session
    private(set) var inTransaction = false
    private var savepoints = 0
    /// Titles of the documents this run inserted (a passage's lexemes include its document's title).
    private var titles: [Int64: String] = [:]

    init(session: Session) { self.session = session }

    var commitsEachFile: Bool { true }

    func beginImmediateTransaction() throws {
        try session.execute("BEGIN")
        inTransaction = true
    }

    func commit() throws {
        try session.execute("COMMIT")
        inTransaction = false
        titles.removeAll(keepingCapacity: true)
    }

    func inSavepoint(_ body: () throws -> Void) throws {
        savepoints += 1
        let name = "cited_\(savepoints)"
        try session.execute("SAVEPOINT \(name)")
        do {
            try body()
            try session.execute("RELEASE SAVEPOINT \(name)")
        } catch {
            try session.execute("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
    }

    func isRetryable(_ error: any Error) -> Bool { (error as? PostgresStoreError)?.isRetryable ?? false }

    func claimFile(root: String, path: String) throws {
        var binds = Binds()
        try session.query("SELECT pg_advisory_xact_lock(hashtextextended(\(binds.add(root + "\n" + path)), 0))", binds)
    }

    // MARK: Source files

    static let fileColumns = "id, root, path, size, modified_at, content_hash, chunker_version, ingested_at"

    static func file(_ row: PostgresRow) throws -> SourceFileRecord {
        let r = row.makeRandomAccess()
        return SourceFileRecord(id: try r[0].decode(Int64.self), root: try r[1].decode(String.self), path: try r[2].decode(String.self),
                                size: try r[3].decode(Int64.self), modifiedAt: try r[4].decode(Double.self),
                                contentHash: try r[5].decode(String.self), chunkerVersion: try r[6].decode(Int.self),
                                ingestedAt: try r[7].decode(Date.self))
    }

    func sourceFile(root: String, path: String) throws -> SourceFileRecord? {
        var b = Binds()
        return try session.query("SELECT \(Self.fileColumns) FROM source_file WHERE root = \(b.add(root)) AND path = \(b.add(path))", b)
            .first.map(Self.file)
    }

    func sourceFiles(root: String) throws -> [SourceFileRecord] {
        var b = Binds()
        return try session.query("SELECT \(Self.fileColumns) FROM source_file WHERE root = \(b.add(root)) ORDER BY id", b).map(Self.file)
    }

    func save(_ file: inout SourceFileRecord) throws {
        if file.id != nil { return try update(file) }
        var b = Binds()
        let sql = """
            INSERT INTO source_file (root, path, size, modified_at, content_hash, chunker_version, ingested_at)
            VALUES (\(b.add(file.root)), \(b.add(file.path)), \(b.add(file.size)), \(b.add(file.modifiedAt)), \(b.add(file.contentHash)),
                    \(b.add(file.chunkerVersion)), \(b.add(file.ingestedAt)))
            ON CONFLICT (root, path) DO UPDATE SET size = excluded.size, modified_at = excluded.modified_at,
                content_hash = excluded.content_hash, chunker_version = excluded.chunker_version, ingested_at = excluded.ingested_at
            RETURNING id
            """
        file.id = try session.query(sql, b)[0].get(0, as: Int64.self)
    }

    func update(_ file: SourceFileRecord) throws {
        var b = Binds()
        try session.query("""
            UPDATE source_file SET root = \(b.add(file.root)), path = \(b.add(file.path)), size = \(b.add(file.size)),
                modified_at = \(b.add(file.modifiedAt)), content_hash = \(b.add(file.contentHash)),
                chunker_version = \(b.add(file.chunkerVersion)), ingested_at = \(b.add(file.ingestedAt))
            WHERE id = \(b.add(file.id))
            """, b)
    }

    func deleteSourceFile(id: Int64?) throws {
        var b = Binds()
        try session.query("DELETE FROM source_file WHERE id = \(b.add(id))", b)
    }

    // MARK: Documents

    func storedDocument(key: String) throws -> (id: Int64, contentHash: String, fileID: Int64?)? {
        var b = Binds()
        guard let row = try session.query("SELECT id, content_hash, file_id FROM document WHERE key = \(b.add(key))", b).first else {
            return nil
        }
        return (try row.get(0), try row.get(1), try row.get(2))
    }

    func moveDocument(id: Int64, fileID: Int64, root: String, path: String) throws {
        var b = Binds()
        try session.query("""
            UPDATE document SET file_id = \(b.add(fileID)), root = \(b.add(root)), path = \(b.add(path)) WHERE id = \(b.add(id))
            """, b)
    }

    func documents(fileID: Int64, notIn kept: Set<String>) throws -> [Int64] {
        var b = Binds()
        return try session.query("SELECT id, key FROM document WHERE file_id = \(b.add(fileID)) ORDER BY id", b)
            .compactMap { row -> Int64? in kept.contains(try row.get(1)) ? nil : try row.get(0) }
    }

    func documentCount(fileID: Int64?) throws -> Int {
        var b = Binds()
        return try session.query("SELECT count(*) FROM document WHERE file_id = \(b.add(fileID))", b)[0].get(0, as: Int.self)
    }

    func deleteDocument(id: Int64) throws {
        var b = Binds()
        try session.query("DELETE FROM document WHERE id = \(b.add(id))", b)
    }

    @discardableResult
    func deleteDocument(key: String) throws -> Bool {
        var b = Binds()
        return !(try session.query("DELETE FROM document WHERE key = \(b.add(key)) RETURNING id", b).isEmpty)
    }

    @discardableResult
    func insert(document: inout DocumentRecord) throws -> Int64 {
        for _ in 0..<3 {
            var b = Binds()
            let sql = """
                INSERT INTO document (key, kind, domain, file_id, root, path, pmid, pmcid, doi, title, year, journal,
                                      language, metadata, content_hash, chunker_version, ingested_at)
                VALUES (\(b.add(document.key)), \(b.add(document.kind.rawValue)), \(b.add(document.domain.rawValue)),
                        \(b.add(document.fileId)), \(b.add(document.root)), \(b.add(document.path)), \(b.add(document.pmid)),
                        \(b.add(document.pmcid)), \(b.add(document.doi)), \(b.add(document.title)), \(b.add(document.year)),
                        \(b.add(document.journal)), \(b.add(document.language)), \(b.add(document.metadata.json))::jsonb,
                        \(b.add(document.contentHash)), \(b.add(document.chunkerVersion)), \(b.add(document.ingestedAt)))
                ON CONFLICT (key) DO NOTHING
                RETURNING id
                """
            if let row = try session.query(sql, b).first {
                let id = try row.get(0, as: Int64.self)
                document.id = id
                titles[id] = document.title
                return id
            }
            // Another writer stored this key after our check (it committed: ON CONFLICT waited for it). Replace it.
            try deleteDocument(key: document.key)
        }
        throw PostgresStoreError.unexpectedResult(store: session.store, what: "document \(document.key) kept being re-inserted by other writers")
    }

    /// Inserts the batch with one statement: every column travels as one bound array, rows come from `unnest`.
    func write(_ batch: inout PassageBatch) throws -> [Int64] {
        let rows = batch.queued
        guard !rows.isEmpty else { return [] }
        var ids: [Int64] = []
        do {
            var b = Binds()
            ids = try session.query("SELECT nextval('passage_id_seq') FROM generate_series(1, \(b.add(rows.count)))", b)
                .map { try $0.get(0, as: Int64.self) }.sorted()
        }
        var missingTitles = Set(rows.map(\.documentID)).subtracting(titles.keys)
        if !missingTitles.isEmpty {
            var b = Binds()
            for row in try session.query("SELECT id, title FROM document WHERE id = ANY(\(b.add(Array(missingTitles)))::int8[])", b) {
                titles[try row.get(0, as: Int64.self)] = try row.get(1, as: String.self)
            }
            missingTitles.removeAll()
        }
        try Self.insertPassages(rows, ids: ids, titles: titles, session: session)
        batch.removeAll()
        return ids
    }

    /// Inserts passages with the given ids in one statement: every column travels as one bound array, rows come
    /// from `unnest`; each passage's lexemes include its document's title (`titles`).
    static func insertPassages(_ rows: [(documentID: Int64, passage: PassageRecord)], ids: [Int64], titles: [Int64: String],
                               session: Session) throws {
        var documentIDs: [Int64] = [], ordinals: [Int64] = [], texts: [String] = [], headings: [String] = []
        var locators: [String] = [], startLines: [Int64] = [], endLines: [Int64] = [], startChars: [Int64] = []
        var endChars: [Int64] = [], tokenCounts: [Int64] = [], flags: [Bool] = [], lexemes: [String] = []
        var lexemeCounts: [Int64] = []
        for (documentID, passage) in rows {
            documentIDs.append(documentID)
            ordinals.append(Int64(passage.ordinal))
            texts.append(passage.text)
            headings.append(passage.headingPath)
            locators.append(passage.locator)
            startLines.append(Int64(passage.startLine ?? -1))
            endLines.append(Int64(passage.endLine ?? -1))
            startChars.append(Int64(passage.startChar ?? -1))
            endChars.append(Int64(passage.endChar ?? -1))
            tokenCounts.append(Int64(passage.tokenCount))
            flags.append(passage.hasInstructions)
            let vector = Lexemes.vector(text: passage.text, title: titles[documentID] ?? "", heading: passage.headingPath)
            lexemes.append(vector.literal)
            lexemeCounts.append(Int64(vector.tokenCount))
        }
        var b = Binds()
        let columns = [b.add(ids), b.add(documentIDs), b.add(ordinals), b.add(texts), b.add(headings), b.add(locators),
                       b.add(startLines), b.add(endLines), b.add(startChars), b.add(endChars), b.add(tokenCounts),
                       b.add(flags), b.add(lexemes), b.add(lexemeCounts)]
        let types = ["int8", "int8", "int8", "text", "text", "text", "int8", "int8", "int8", "int8", "int8", "bool", "text", "int8"]
        let arrays = zip(columns, types).map { "\($0)::\($1)[]" }.joined(separator: ", ")
        try session.query("""
            INSERT INTO passage (id, document_id, ordinal, text, heading_path, locator, start_line, end_line, start_char,
                                 end_char, token_count, has_instructions, lexemes, lexeme_count)
            SELECT id, doc, ord, txt, head, loc, NULLIF(sl, -1), NULLIF(el, -1), NULLIF(sc, -1), NULLIF(ec, -1), tc, hi,
                   lx::tsvector, lc
            FROM unnest(\(arrays)) AS t(id, doc, ord, txt, head, loc, sl, el, sc, ec, tc, hi, lx, lc)
            """, b)
    }
}
