import CitedCore
import Foundation
import GRDB

/// The `vector` table: one fp32 BLOB per passage, stamped in `index_meta`; SQLite is the source of truth.
///
/// Writers keep two `index_meta` keys current in the same transaction as any vector change:
/// `embedder` (the `EmbedderStamp` as JSON) and `vector_generation` (an integer bumped on every change),
/// so that readers can validate their memory-mapped cache in O(1).
public enum VectorTable {
    public static let name = "vector"
    /// The table a rebuild fills before it is swapped in.
    public static let shadow = "vector_next"

    /// The store's schema creates the table (migration `v2-vectors`); kept so callers may still pass it.
    public static func register(in migrator: inout DatabaseMigrator) {}

    /// Stores vectors `(ids.count, dimension)` as fp32 BLOBs in `table` (the live table or a rebuild's shadow).
    static func insert(ids: [Int64], vectors: [Float], dimension: Int, into table: String, in db: Database) throws {
        precondition(vectors.count == ids.count * dimension, "vectors and ids disagree")
        let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO \(table)(passage_id, embedding) VALUES (?, ?)")
        let rowBytes = dimension * MemoryLayout<Float>.size
        try vectors.withUnsafeBytes { raw in
            for (index, id) in ids.enumerated() {
                try statement.execute(arguments: [id, Data(raw[(index * rowBytes)..<((index + 1) * rowBytes)])])
            }
        }
    }

    /// Writes vectors `(ids.count, stamp.dimension)` for passages and bumps the generation; inside a write.
    public static func write(ids: [Int64], vectors: [Float], stamp: EmbedderStamp, in db: Database) throws {
        try insert(ids: ids, vectors: vectors, dimension: stamp.dimension, into: name, in: db)
        try Store.setMeta("embedder", String(decoding: JSONEncoder().encode(stamp), as: UTF8.self), in: db)
        let generation = (try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM index_meta WHERE key = 'vector_generation'") ?? 0) + 1
        try Store.setMeta("vector_generation", String(generation), in: db)
    }
}

/// Which vector table a batch of embeddings goes to.
public enum VectorTarget: Sendable {
    /// The live `vector` table: stamps the embedder and bumps the generation with every batch.
    case live(EmbedderStamp)
    /// A rebuild's shadow table, with the new embedder's dimension.
    case shadow(dimension: Int)

    var table: String {
        switch self {
        case .live: VectorTable.name
        case .shadow: VectorTable.shadow
        }
    }
}

/// Vector counts for `cited index status`.
public struct VectorCounts: Sendable {
    public var passages: Int
    public var vectors: Int
    public var missing: Int
    /// Rows in a rebuild's shadow table; nil when no rebuild is under way.
    public var rebuilding: Int?

    public init(passages: Int, vectors: Int, missing: Int, rebuilding: Int?) {
        self.passages = passages
        self.vectors = vectors
        self.missing = missing
        self.rebuilding = rebuilding
    }
}

/// Reads and writes of the `vector` table and a rebuild's shadow table.
extension Store {
    // MARK: Reads for the memory-mapped cache

    /// `generation:largest passage id` of the vectors (`none` without a vector table): changes with every write.
    public func vectorGeneration() throws -> String {
        try pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return "none" }
            let generation = try String.fetchOne(db, sql: "SELECT value FROM index_meta WHERE key = 'vector_generation'") ?? "0"
            let last = try Int64.fetchOne(db, sql: "SELECT max(passage_id) FROM vector") ?? 0
            return "\(generation):\(last)"
        }
    }

    /// The number of stored vectors.
    public func vectorCount() throws -> Int {
        try pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM vector") ?? 0
        }
    }

    /// Calls `body` with each passage id and its raw fp32 vector bytes, in id order (one read).
    public func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        try pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return }
            let cursor = try Row.fetchCursor(db, sql: "SELECT passage_id, embedding FROM vector ORDER BY passage_id")
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                guard let data = row.dataNoCopy(atIndex: 1) else { continue }
                try data.withUnsafeBytes { try body(id, $0) }
            }
        }
    }

    // MARK: Embedding runs

    /// How many passages have no row in `target`'s table.
    public func passagesWithoutVectorCount(in target: VectorTarget) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) \(Self.missingSQL(target))") ?? 0 }
    }

    /// Up to `limit` passages (id, text) after `after` without a row in `target`'s table, in id order.
    public func passagesWithoutVector(in target: VectorTarget, after: Int64, limit: Int) throws
        -> [(id: Int64, text: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, text \(Self.missingSQL(target)) AND id > ? ORDER BY id LIMIT ?",
                             arguments: [after, limit]).map { ($0["id"], $0["text"]) }
        }
    }

    private static func missingSQL(_ target: VectorTarget) -> String {
        "FROM passage WHERE id NOT IN (SELECT passage_id FROM \(target.table))"
    }

    /// Writes vectors `(ids.count, dimension)` into `target`'s table in one transaction.
    public func writeVectors(ids: [Int64], vectors: [Float], to target: VectorTarget) throws {
        try pool.write { db in
            switch target {
            case .live(let stamp): try VectorTable.write(ids: ids, vectors: vectors, stamp: stamp, in: db)
            case .shadow(let dimension):
                try VectorTable.insert(ids: ids, vectors: vectors, dimension: dimension, into: VectorTable.shadow, in: db)
            }
        }
    }

    // MARK: Rebuilds (online: readers use the live table until the swap)

    /// Creates the shadow table if needed and empties it unless it was being filled for `stamp`
    /// (`stampJSON` is recorded as the rebuild's embedder).
    public func beginVectorRebuild(stamp: EmbedderStamp, stampJSON: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS \(VectorTable.shadow) (
                    passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE,
                    embedding BLOB NOT NULL
                )
                """)
            let previous = try String.fetchOne(db, sql: "SELECT value FROM index_meta WHERE key = 'rebuild_embedder'")
                .flatMap { try? JSONDecoder().decode(EmbedderStamp.self, from: Data($0.utf8)) }
            if previous != stamp {
                try db.execute(sql: "DELETE FROM \(VectorTable.shadow)")
                try Store.setMeta("rebuild_embedder", stampJSON, in: db)
            }
        }
    }

    /// Replaces the live vectors with the shadow table's in one transaction, stamps `stamp` and bumps the generation.
    public func finishVectorRebuild(stamp: EmbedderStamp) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM \(VectorTable.name)")
            try db.execute(sql: "INSERT INTO \(VectorTable.name)(passage_id, embedding) SELECT passage_id, embedding FROM \(VectorTable.shadow)")
            try db.execute(sql: "DROP TABLE \(VectorTable.shadow)")
            try db.execute(sql: "DELETE FROM index_meta WHERE key = 'rebuild_embedder'")
            try VectorTable.write(ids: [], vectors: [], stamp: stamp, in: db)  // stamp + new generation
        }
    }

    /// Passage, vector, missing and shadow-table counts, read in one snapshot.
    public func vectorCounts() throws -> VectorCounts {
        try pool.read { db in
            let passages = try Int.fetchOne(db, sql: "SELECT count(*) FROM passage") ?? 0
            let hasVectors = try db.tableExists(VectorTable.name)
            let vectors = hasVectors ? try Int.fetchOne(db, sql: "SELECT count(*) FROM vector") ?? 0 : 0
            let missing = hasVectors
                ? try Int.fetchOne(db, sql: "SELECT count(*) FROM passage WHERE id NOT IN (SELECT passage_id FROM vector)") ?? 0
                : passages
            let rebuilding = try db.tableExists(VectorTable.shadow)
                ? try Int.fetchOne(db, sql: "SELECT count(*) FROM \(VectorTable.shadow)") : nil
            return VectorCounts(passages: passages, vectors: vectors, missing: missing, rebuilding: rebuilding)
        }
    }
}
