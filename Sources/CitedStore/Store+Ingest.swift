import GRDB

/// The writer connection held for one ingest run. The ingester decides where transactions begin and commit
/// (batches of files, one savepoint per file); every query it needs is here, with values bound as parameters.
/// Use it only inside `Store.withIngestConnection`.
public struct IngestConnection: IngestWriter {
    let db: Database

    /// One process writes an SQLite index: files are batched into large transactions.
    public var commitsEachFile: Bool { false }

    /// One writer at a time: nothing to retry.
    public func isRetryable(_ error: any Error) -> Bool { false }

    /// The immediate transaction already excludes every other writer.
    public func claimFile(root: String, path: String) throws {}

    // MARK: Transactions

    /// Begins an immediate transaction (the write lock taken at once).
    public func beginImmediateTransaction() throws { try db.beginTransaction(.immediate) }

    /// Commits the open transaction.
    public func commit() throws { try db.commit() }

    /// Runs `body` inside a savepoint: released when it returns, rolled back when it throws.
    public func inSavepoint(_ body: () throws -> Void) throws {
        try db.inSavepoint {
            try body()
            return .commit
        }
    }

    // MARK: Source files

    /// The file recorded at `path` under `root`, if any.
    public func sourceFile(root: String, path: String) throws -> SourceFileRecord? {
        try SourceFileRecord.filter(Column("root") == root && Column("path") == path).fetchOne(db)
    }

    /// Every file recorded under `root`.
    public func sourceFiles(root: String) throws -> [SourceFileRecord] {
        try SourceFileRecord.filter(Column("root") == root).fetchAll(db)
    }

    /// Inserts or updates `file`; sets its id when inserted.
    public func save(_ file: inout SourceFileRecord) throws { try file.save(db) }

    /// Updates the stored `file`.
    public func update(_ file: SourceFileRecord) throws { try file.update(db) }

    /// Removes a file record (its documents go with it, by foreign key).
    public func deleteSourceFile(id: Int64?) throws {
        try db.execute(sql: "DELETE FROM source_file WHERE id = ?", arguments: [id])
    }

    // MARK: Documents

    /// The stored document with this key: its id, content hash and file (a cached statement: the hot path).
    public func storedDocument(key: String) throws -> (id: Int64, contentHash: String, fileID: Int64?)? {
        let statement = try db.cachedStatement(sql: "SELECT id, content_hash, file_id FROM document WHERE key = ?")
        guard let row = try Row.fetchOne(statement, arguments: [key]) else { return nil }
        return (row["id"], row["content_hash"], row["file_id"])
    }

    /// Points a stored document at another file (same bytes, moved or copied).
    public func moveDocument(id: Int64, fileID: Int64, root: String, path: String) throws {
        try db.execute(sql: "UPDATE document SET file_id = ?, root = ?, path = ? WHERE id = ?",
                       arguments: [fileID, root, path, id])
    }

    /// The ids of the documents a file holds whose keys are not in `kept` (those it no longer holds).
    public func documents(fileID: Int64, notIn kept: Set<String>) throws -> [Int64] {
        // A cursor, not an array of every row: a file of a million articles would hold them all at once.
        var stale: [Int64] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, key FROM document WHERE file_id = ?", arguments: [fileID])
        while let row = try rows.next() {
            if !kept.contains(row["key"]) { stale.append(row["id"]) }
        }
        return stale
    }

    /// How many documents a file holds.
    public func documentCount(fileID: Int64?) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM document WHERE file_id = ?", arguments: [fileID]) ?? 0
    }

    /// Removes a document and its passages.
    public func deleteDocument(id: Int64) throws {
        try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [id])
    }

    /// Removes the document with this key and its passages; returns whether one existed.
    @discardableResult
    public func deleteDocument(key: String) throws -> Bool { try Store.deleteDocument(key: key, in: db) }

    /// Inserts a document whose key is not stored yet; sets its id and returns it.
    @discardableResult
    public func insert(document: inout DocumentRecord) throws -> Int64 { try Store.insert(document: &document, in: db) }

    /// Writes the queued passages (see `PassageBatch`) and returns their new ids in order.
    public func write(_ batch: inout PassageBatch) throws -> [Int64] { try batch.write(in: db) }
}

extension Store {
    /// Runs `body` with the writer connection outside any transaction (the caller begins and commits them),
    /// with a page cache large enough that a big file's transaction does not spill pages mid-way.
    public func withIngestConnection<T>(_ body: (IngestConnection) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            return try body(IngestConnection(db: db))
        }
    }

    public func withIngestWriter<T>(_ body: (any IngestWriter) throws -> T) throws -> T {
        try withIngestConnection { try body($0) }
    }
}
