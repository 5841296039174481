import CitedCore
import CitedStore
import Foundation
import GRDB

/// Progress of a long embedding run.
public struct EmbeddingProgress: Sendable {
    public var done: Int
    public var total: Int
    public var passagesPerSecond: Double

    public var secondsLeft: Double { passagesPerSecond > 0 ? Double(total - done) / passagesPerSecond : 0 }
}

/// Keeps the `vector` table in step with the passages: embeds new passages after an ingest, and
/// rebuilds every vector with another embedder into a shadow table that is swapped in by one
/// transaction, so that readers answer from the old vectors until the new ones are complete.
/// An interrupted rebuild resumes where it stopped.
public final class VectorIndexer {
    public let store: Store
    public let embedder: Embedder
    public var batchSize = 256

    static let shadow = "vector_next"

    public init(store: Store, embedder: Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// The stamp of the vectors in the index, if any.
    public static func indexStamp(_ store: Store) throws -> EmbedderStamp? {
        guard let json = try store.meta("embedder") else { return nil }
        return try JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8))
    }

    /// Embeds the passages that have no vector. Refuses when the index holds another embedder's vectors.
    @discardableResult
    public func embedMissing(progress: (EmbeddingProgress) -> Void = { _ in }) throws -> Int {
        if let stamp = try Self.indexStamp(store), !Retriever.sameSpace(stamp, embedder.stamp) {
            throw RetrieveError.embedderMismatch(index: stamp.name, query: embedder.stamp.name)
        }
        return try fill(table: VectorTable.name, progress: progress) { ids, vectors, db in
            try VectorTable.write(ids: ids, vectors: vectors, stamp: self.embedder.stamp, in: db)
        }
    }

    /// Re-embeds every passage into the shadow table, then swaps it in. Resumes an interrupted rebuild
    /// made with the same embedder; a rebuild with another embedder starts over.
    @discardableResult
    public func rebuild(progress: (EmbeddingProgress) -> Void = { _ in }) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let stampJSON = String(decoding: try encoder.encode(embedder.stamp), as: UTF8.self)
        try store.pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS \(Self.shadow) (
                    passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE,
                    embedding BLOB NOT NULL
                )
                """)
            let previous = try String.fetchOne(db, sql: "SELECT value FROM index_meta WHERE key = 'rebuild_embedder'")
                .flatMap { try? JSONDecoder().decode(EmbedderStamp.self, from: Data($0.utf8)) }
            if previous != embedder.stamp {
                try db.execute(sql: "DELETE FROM \(Self.shadow)")
                try Store.setMeta("rebuild_embedder", stampJSON, in: db)
            }
        }
        let embedded = try fill(table: Self.shadow, progress: progress) { ids, vectors, db in
            try VectorTable.insert(ids: ids, vectors: vectors, dimension: self.embedder.stamp.dimension,
                                   into: Self.shadow, in: db)
        }
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM \(VectorTable.name)")
            try db.execute(sql: "INSERT INTO \(VectorTable.name)(passage_id, embedding) SELECT passage_id, embedding FROM \(Self.shadow)")
            try db.execute(sql: "DROP TABLE \(Self.shadow)")
            try db.execute(sql: "DELETE FROM index_meta WHERE key = 'rebuild_embedder'")
            try VectorTable.write(ids: [], vectors: [], stamp: embedder.stamp, in: db)  // stamp + new generation
        }
        return embedded
    }

    /// Passages without a row in `table`, embedded and written batch by batch (one transaction each).
    private func fill(table: String, progress: (EmbeddingProgress) -> Void,
                      write: @escaping ([Int64], [Float], Database) throws -> Void) throws -> Int {
        let missingSQL = "FROM passage WHERE id NOT IN (SELECT passage_id FROM \(table))"
        let total = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) \(missingSQL)") ?? 0 }
        let start = DispatchTime.now().uptimeNanoseconds
        var done = 0
        var after: Int64 = 0
        while true {
            let rows = try store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, text \(missingSQL) AND id > ? ORDER BY id LIMIT ?",
                                 arguments: [after, batchSize])
            }
            guard let last = rows.last else { break }
            after = last["id"]
            let ids: [Int64] = rows.map { $0["id"] }
            let vectors = try embedder.embed(rows.map { $0["text"] })
            try store.pool.write { db in try write(ids, vectors, db) }
            done += ids.count
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            progress(EmbeddingProgress(done: done, total: total, passagesPerSecond: Double(done) / max(seconds, 1e-9)))
        }
        return done
    }

    /// Vector counts for `cited index status`.
    public struct Status: Codable, Sendable {
        public var passages: Int
        public var vectors: Int
        public var missing: Int
        public var stamp: EmbedderStamp?
        /// True when the vectors were made with another chunker version than the passages.
        public var stale: Bool
        public var rebuildInProgress: Int?

        enum CodingKeys: String, CodingKey {
            case passages, vectors, missing, stamp, stale
            case rebuildInProgress = "rebuild_in_progress"
        }
    }

    public static func status(_ store: Store, chunkerVersion: Int) throws -> Status {
        let stamp = try indexStamp(store)
        return try store.pool.read { db in
            let passages = try Int.fetchOne(db, sql: "SELECT count(*) FROM passage") ?? 0
            let hasVectors = try db.tableExists(VectorTable.name)
            let vectors = hasVectors ? try Int.fetchOne(db, sql: "SELECT count(*) FROM vector") ?? 0 : 0
            let missing = hasVectors
                ? try Int.fetchOne(db, sql: "SELECT count(*) FROM passage WHERE id NOT IN (SELECT passage_id FROM vector)") ?? 0
                : passages
            let rebuilding = try db.tableExists(shadow) ? try Int.fetchOne(db, sql: "SELECT count(*) FROM \(shadow)") : nil
            return Status(passages: passages, vectors: vectors, missing: missing, stamp: stamp,
                          stale: stamp.map { $0.chunkerVersion != chunkerVersion } ?? false, rebuildInProgress: rebuilding)
        }
    }
}
