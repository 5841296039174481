import CitedCore
import Foundation
import GRDB

/// Errors from the store, each naming what was missing.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case passageNotFound(id: Int64)
    case documentNotFound(id: Int64)
    case cannotCreateDirectory(path: String, reason: String)
    case referenceNotFound(String)
    /// The file is an SQLite database with tables of its own, not a Cited index: left untouched.
    case notAnIndex(path: String)
    /// The index was made by a newer Cited (a migration this build does not know): left untouched.
    case newerSchema(path: String, migration: String)
    /// The index folder cannot be written: SQLite's write-ahead log keeps its `-wal` and `-shm` files beside the
    /// index, even for readers.
    case readOnlyFolder(path: String)
    /// A `--store` / `$CITED_STORE` / `cited.toml` value that names no usable store.
    case badStoreURL(String, reason: String)
    /// The operation is not one this backend offers.
    case unsupported(String)

    public var description: String {
        switch self {
        case .passageNotFound(let id): "no passage with id \(id) in the index"
        case .documentNotFound(let id): "no document with id \(id) in the index"
        case .cannotCreateDirectory(let path, let reason): "cannot create index folder \(path): \(reason)"
        case .referenceNotFound(let reference): "nothing in the index matches \(reference)"
        case .notAnIndex(let path): "\(path): an SQLite database that is not a Cited index; not changed"
        case .newerSchema(let path, let migration):
            "\(path): made by a newer Cited (schema step \(migration)); not changed (use that version, or a new --index)"
        case .readOnlyFolder(let path):
            "index folder \(path) is read-only: Cited keeps its write-ahead log there, even to read "
                + "(make it writable, or copy the index to a writable folder and pass --index)"
        case .badStoreURL(let text, let reason): "store \(text): \(reason)"
        case .unsupported(let what): what
        }
    }
}

/// The index: one SQLite file in WAL mode, read by many, written by one.
public final class Store: IndexStore {
    public let url: URL
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `url` and applies every registered migration.
    /// - Parameter migrations: extra migrations appended after the ingest schema (e.g. vectors).
    public init(url: URL, migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotCreateDirectory(path: folder.path, reason: error.localizedDescription)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL + NORMAL: durable at checkpoints, never corrupt after a crash.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.url = url
        guard access(folder.path, W_OK) == 0 else { throw StoreError.readOnlyFolder(path: folder.path) }
        self.pool = try DatabasePool(path: url.path, configuration: configuration)
        var migrator = Store.migrator
        migrations(&migrator)
        try Store.checkOwnership(pool, migrator: migrator, path: url.path)
        try migrator.migrate(pool)
    }

    /// Refuses, before any migration writes to it, a database that another program made (tables but no migration
    /// record) or that a newer Cited migrated (a step this build does not know, whose tables it would misread).
    private static func checkOwnership(_ pool: DatabasePool, migrator: DatabaseMigrator, path: String) throws {
        try pool.read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                """)
            guard !tables.isEmpty else { return }  // a new, empty file
            guard tables.contains("grdb_migrations") else { throw StoreError.notAnIndex(path: path) }
            let known = Set(migrator.migrations)
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw StoreError.newerSchema(path: path, migration: unknown)
            }
        }
    }

    /// The ingest schema's migrator; callers may append migrations before `migrate`.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        Schema.register(in: &migrator)
        return migrator
    }

    public var location: String { url.path }

    // MARK: Reads

    /// The passage with this id.
    public func passage(id: Int64) throws -> PassageRecord {
        guard let found = try pool.read({ try PassageRecord.fetchOne($0, key: id) }) else {
            throw StoreError.passageNotFound(id: id)
        }
        return found
    }

    /// The document with this id.
    public func document(id: Int64) throws -> DocumentRecord {
        guard let found = try pool.read({ try DocumentRecord.fetchOne($0, key: id) }) else {
            throw StoreError.documentNotFound(id: id)
        }
        return found
    }

    /// The document with this key (`PMID:123`, `PMC456`, `file:…`), if any.
    public func document(key: String) throws -> DocumentRecord? {
        try pool.read { try DocumentRecord.filter(Column("key") == key).fetchOne($0) }
    }

    /// The PubMed or PMC document citing this PMID, if any.
    public func document(pmid: String) throws -> DocumentRecord? {
        try pool.read { try DocumentRecord.filter(Column("pmid") == pmid).order(Column("kind")).fetchOne($0) }
    }

    /// A document's passages in order.
    public func passages(documentID: Int64) throws -> [PassageRecord] {
        try pool.read {
            try PassageRecord.filter(Column("document_id") == documentID).order(Column("ordinal")).fetchAll($0)
        }
    }

    /// Passages by id, in the order given (missing ids are left out); e.g. the ids an ingest just wrote.
    public func passages(ids: [Int64]) throws -> [PassageRecord] {
        try pool.read { db in
            var byID: [Int64: PassageRecord] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[start..<min(start + 500, ids.count)])
                for passage in try PassageRecord.fetchAll(db, keys: slice) { byID[passage.id!] = passage }
            }
            return ids.compactMap { byID[$0] }
        }
    }

    /// Every passage id in ascending order (for embedding or re-embedding the whole index).
    public func passageIDs() throws -> [Int64] {
        try pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM passage ORDER BY id") }
    }

    /// The user-facing source of a passage, as in every JSON answer.
    public func source(for passageID: Int64) throws -> Source {
        try pool.read { db in
            guard let passage = try PassageRecord.fetchOne(db, key: passageID) else {
                throw StoreError.passageNotFound(id: passageID)
            }
            guard let document = try DocumentRecord.fetchOne(db, key: passage.documentId) else {
                throw StoreError.documentNotFound(id: passage.documentId)
            }
            return Store.source(document: document, passage: passage)
        }
    }

    /// Builds a `Source` from rows already fetched.
    public static func source(document: DocumentRecord, passage: PassageRecord) -> Source {
        let id: String
        switch document.kind {
        case .pubmed:
            id = document.pmid.map { "PMID:\($0)" } ?? document.key
        case .pmc:
            id = document.pmcid ?? document.pmid.map { "PMID:\($0)" } ?? document.path
        case .doc, .note:
            let heading = passage.headingPath.components(separatedBy: " > ").last ?? ""
            id = heading.isEmpty ? document.path : "\(document.path)#\(heading)"
        }
        var flags: [String] = []
        if document.metadata.retracted { flags.append("retracted") }
        if !document.metadata.erratumIn.isEmpty { flags.append("erratum") }
        if passage.hasInstructions { flags.append(Source.instructionsFlag) }
        return Source(kind: document.kind, id: id, pmid: document.pmid, doi: document.doi,
                      path: document.kind == .pubmed ? nil : document.path, title: document.title,
                      locator: passage.locator, year: document.year, flags: flags.isEmpty ? nil : flags)
    }

    /// Documents and passages per kind and domain.
    public func counts() throws -> [IndexCount] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.kind, d.domain, COUNT(DISTINCT d.id) AS documents, COUNT(p.id) AS passages
                FROM document d LEFT JOIN passage p ON p.document_id = d.id
                GROUP BY d.kind, d.domain ORDER BY d.kind, d.domain
                """)
            return rows.map {
                IndexCount(kind: $0["kind"], domain: $0["domain"], documents: $0["documents"],
                           passages: $0["passages"])
            }
        }
    }

    /// How many passages carry instructions to the model (`passage.has_instructions`).
    public func instructionPassageCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM passage WHERE has_instructions = 1") ?? 0 }
    }

    /// BM25 over passage text, title and headings; lower `score` is better (SQLite's sign).
    /// - Parameter match: an FTS5 MATCH expression, e.g. from `FTSQuery.expression(for:)`.
    public func fullTextSearch(_ match: String, limit: Int = 10) throws -> [(passageID: Int64, score: Double)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rowid, bm25(passage_fts, 1.0, 0.5, 0.5) AS score FROM passage_fts
                WHERE passage_fts MATCH ? ORDER BY score LIMIT ?
                """, arguments: [match, limit]).map { ($0["rowid"], $0["score"]) }
        }
    }

    /// `PRAGMA integrity_check` plus FTS5's own check against its rows; `["ok"]` when sound.
    public func integrityCheck() throws -> [String] {
        let pragma = try pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        do {
            try pool.write { try $0.execute(sql: "INSERT INTO passage_fts(passage_fts) VALUES('integrity-check')") }
        } catch {
            return pragma.filter { $0 != "ok" } + ["passage_fts: \(error)"]
        }
        return pragma
    }

    // MARK: Index metadata

    /// A value from `index_meta`, if set.
    public func meta(_ key: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: "SELECT value FROM index_meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets a value in `index_meta` inside an open write.
    public static func setMeta(_ key: String, _ value: String, in db: Database) throws {
        try db.execute(sql: "INSERT INTO index_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }

    // MARK: Writes (inside a caller's transaction)

    /// Replaces the document with the same key (if any) and its passages; returns the new passage ids.
    public static func replace(document: inout DocumentRecord, passages: [PassageRecord],
                               in db: Database) throws -> [Int64] {
        try deleteDocument(key: document.key, in: db)
        let documentID = try insert(document: &document, in: db)
        var batch = PassageBatch()
        batch.append(passages, documentID: documentID)
        return try batch.write(in: db)
    }

    /// Inserts a document whose key is not stored yet (the ingest hot path: a cached statement); sets its id
    /// and returns it. Its passages go in through a `PassageBatch`.
    @discardableResult
    public static func insert(document: inout DocumentRecord, in db: Database) throws -> Int64 {
        let insertDocument = try db.cachedStatement(sql: """
            INSERT INTO document (key, kind, domain, file_id, root, path, pmid, pmcid, doi, title, year, journal,
                                  language, metadata, content_hash, chunker_version, ingested_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insertDocument.execute(arguments: [
            document.key, document.kind.rawValue, document.domain.rawValue, document.fileId, document.root,
            document.path, document.pmid, document.pmcid, document.doi, document.title, document.year,
            document.journal, document.language, document.metadata.json, document.contentHash,
            document.chunkerVersion, databaseTimestamp(document.ingestedAt),
        ])
        document.id = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// The text GRDB stores a `Date` as (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), cached per second.
    private static func databaseTimestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))"
    }

    /// Removes the document with this key and its passages; returns whether one existed.
    @discardableResult
    public static func deleteDocument(key: String, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM document WHERE key = ?").execute(arguments: [key])
        return db.changesCount > 0
    }
}

/// Documents and passages for one kind and domain.
public struct IndexCount: Codable, Hashable, Sendable {
    public var kind: String
    public var domain: String
    public var documents: Int
    public var passages: Int

    public init(kind: String, domain: String, documents: Int, passages: Int) {
        self.kind = kind
        self.domain = domain
        self.documents = documents
        self.passages = passages
    }
}
