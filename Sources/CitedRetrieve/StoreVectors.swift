import CitedCore
import CitedStore
import Foundation
import GRDB

/// The `vector` table: one fp32 BLOB per passage, stamped in `index_meta`; SQLite is the source of truth.
///
/// Writers keep two `index_meta` keys current in the same transaction as any vector change:
/// `embedder` (the `EmbedderStamp` as JSON) and `vector_generation` (an integer bumped on every change),
/// so that readers can validate their memory-mapped cache in O(1).
public enum VectorTable {
    public static let name = "vector"

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

/// Reads the `vector` table for the memory-mapped cache.
public struct StoreVectorSource: VectorSource {
    public let store: Store

    public init(store: Store) { self.store = store }

    public func vectorGeneration() throws -> String {
        try store.pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return "none" }
            let generation = try String.fetchOne(db, sql: "SELECT value FROM index_meta WHERE key = 'vector_generation'") ?? "0"
            let last = try Int64.fetchOne(db, sql: "SELECT max(passage_id) FROM vector") ?? 0
            return "\(generation):\(last)"
        }
    }

    public func vectorStamp() throws -> EmbedderStamp? {
        guard let json = try store.meta("embedder") else { return nil }
        return try JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8))
    }

    public func vectorCount() throws -> Int {
        try store.pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM vector") ?? 0
        }
    }

    public func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        try store.pool.read { db in
            guard try db.tableExists(VectorTable.name) else { return }
            let cursor = try Row.fetchCursor(db, sql: "SELECT passage_id, embedding FROM vector ORDER BY passage_id")
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                guard let data = row.dataNoCopy(atIndex: 1) else { continue }
                try data.withUnsafeBytes { try body(id, $0) }
            }
        }
    }
}
