import CitedCore
import CitedStore
import Foundation
import PostgresNIO

extension PostgresStore {
    func hasTable(_ name: String, _ session: Session) throws -> Bool {
        precondition(name == "passage_vector" || name == "passage_vector_next", "unknown table")
        return try session.query("SELECT to_regclass('\(name)') IS NOT NULL")[0].get(0, as: Bool.self)
    }

    public func vectorGeneration() throws -> String {
        try pool.with { session in
            guard try hasTable("passage_vector", session) else { return "none" }
            let generation = try session.query("SELECT value FROM index_meta WHERE key = 'vector_generation'").first?
                .get(0, as: String.self) ?? "0"
            let last = try session.query("SELECT coalesce(max(passage_id), 0) FROM passage_vector")[0].get(0, as: Int64.self)
            return "\(generation):\(last)"
        }
    }

    public func vectorCount() throws -> Int {
        try pool.with { session in
            guard try hasTable("passage_vector", session) else { return 0 }
            return try session.query("SELECT count(*) FROM passage_vector")[0].get(0, as: Int.self)
        }
    }

    /// Each vector in id order, fetched in pages of 4,096 (keyset pagination: constant memory, one short read each).
    public func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        var after: Int64 = 0
        while true {
            let page: [(Int64, [Float])] = try pool.with { session in
                guard try hasTable("passage_vector", session) else { return [] }
                var binds = Binds()
                return try session.query("""
                    SELECT passage_id, embedding::float4[] FROM passage_vector WHERE passage_id > \(binds.add(after))
                    ORDER BY passage_id LIMIT 4096
                    """, binds).map { (try $0.get(0, as: Int64.self), try $0.get(1, as: [Float].self)) }
            }
            guard let last = page.last else { return }
            for (id, vector) in page { try vector.withUnsafeBytes { try body(id, $0) } }
            after = last.0
        }
    }

    private static func table(_ target: VectorTarget) -> String {
        switch target {
        case .live: "passage_vector"
        case .shadow: "passage_vector_next"
        }
    }

    public func passagesWithoutVectorCount(in target: VectorTarget) throws -> Int {
        try pool.with { session in
            let table = Self.table(target)
            guard try hasTable(table, session) else {
                return try session.query("SELECT count(*) FROM passage")[0].get(0, as: Int.self)
            }
            return try session.query("""
                SELECT count(*) FROM passage p WHERE NOT EXISTS (SELECT 1 FROM \(table) v WHERE v.passage_id = p.id)
                """)[0].get(0, as: Int.self)
        }
    }

    public func passagesWithoutVector(in target: VectorTarget, after: Int64, limit: Int) throws -> [(id: Int64, text: String)] {
        try pool.with { session in
            let table = Self.table(target)
            var binds = Binds()
            let missing = try hasTable(table, session)
                ? "AND NOT EXISTS (SELECT 1 FROM \(table) v WHERE v.passage_id = p.id)" : ""
            return try session.query("""
                SELECT p.id, p.text FROM passage p WHERE p.id > \(binds.add(after)) \(missing) ORDER BY p.id LIMIT \(binds.add(limit))
                """, binds).map { (try $0.get(0, as: Int64.self), try $0.get(1, as: String.self)) }
        }
    }

    public func writeVectors(ids: [Int64], vectors: [Float], to target: VectorTarget) throws {
        let dimension: Int
        switch target {
        case .live(let stamp): dimension = stamp.dimension
        case .shadow(let d): dimension = d
        }
        precondition(vectors.count == ids.count * dimension, "vectors and ids disagree")
        try pool.with { session in
            try session.transaction {
                let table = Self.table(target)
                try PostgresSchema.ensureVectorTable(table, dimension: dimension, session: session)
                try Self.insertVectors(ids: ids, vectors: vectors, dimension: dimension, into: table, session: session)
                if case .live(let stamp) = target { try Self.stamp(stamp, session: session) }
            }
        }
    }

    /// Inserts (or replaces) vectors `(ids.count, dimension)` in one statement: the ids and one flat `float4[]`
    /// are bound, and each row's slice becomes a `vector`. Passages deleted meanwhile by another writer are skipped.
    static func insertVectors(ids: [Int64], vectors: [Float], dimension: Int, into table: String, session: Session) throws {
        guard !ids.isEmpty else { return }
        var binds = Binds()
        let idList = binds.add(ids)
        let flat = binds.add(vectors)
        let d = binds.add(dimension)
        try session.query("""
            INSERT INTO \(table) (passage_id, embedding)
            SELECT t.id, (\(flat)::float4[])[(t.i - 1) * \(d) + 1 : t.i * \(d)]::vector
            FROM unnest(\(idList)::int8[]) WITH ORDINALITY AS t(id, i)
            WHERE EXISTS (SELECT 1 FROM passage p WHERE p.id = t.id)
            ON CONFLICT (passage_id) DO UPDATE SET embedding = excluded.embedding
            """, binds)
    }

    /// Records the embedder stamp and bumps the vector generation (atomically, whatever other writers do).
    static func stamp(_ stamp: EmbedderStamp, session: Session) throws {
        var binds = Binds()
        let json = String(decoding: try JSONEncoder().encode(stamp), as: UTF8.self)
        try session.query("""
            INSERT INTO index_meta(key, value) VALUES ('embedder', \(binds.add(json)))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, binds)
        try session.query("""
            INSERT INTO index_meta(key, value) VALUES ('vector_generation', '1')
            ON CONFLICT (key) DO UPDATE SET value = (index_meta.value::bigint + 1)::text
            """)
    }

    public func beginVectorRebuild(stamp: EmbedderStamp, stampJSON: String) throws {
        try pool.with { session in
            try session.transaction {
                let previous = try session.query("SELECT value FROM index_meta WHERE key = 'rebuild_embedder'").first
                    .map { try $0.get(0, as: String.self) }
                    .flatMap { try? JSONDecoder().decode(EmbedderStamp.self, from: Data($0.utf8)) }
                if previous != stamp {
                    try session.execute("DROP TABLE IF EXISTS passage_vector_next")
                    var binds = Binds()
                    try session.query("""
                        INSERT INTO index_meta(key, value) VALUES ('rebuild_embedder', \(binds.add(stampJSON)))
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """, binds)
                }
                try PostgresSchema.ensureVectorTable("passage_vector_next", dimension: stamp.dimension, session: session)
            }
        }
    }

    /// Builds the shadow table's HNSW index (readers keep using the live table meanwhile), then swaps it in by
    /// renaming, in one transaction: readers see the old vectors until it commits. (The foreign key keeps the name
    /// PostgreSQL gave it, which may differ between rebuilds; nothing refers to it.)
    public func finishVectorRebuild(stamp: EmbedderStamp) throws {
        try pool.with { session in
            try PostgresSchema.createHNSWIndex("passage_vector_next", session: session)
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.vectorTableLock))")
                try session.execute("""
                    DROP TABLE IF EXISTS passage_vector;
                    ALTER TABLE passage_vector_next RENAME TO passage_vector;
                    ALTER INDEX passage_vector_next_hnsw RENAME TO passage_vector_hnsw;
                    ALTER TABLE passage_vector RENAME CONSTRAINT passage_vector_next_pkey TO passage_vector_pkey;
                    DELETE FROM index_meta WHERE key = 'rebuild_embedder';
                    """)
                try Self.stamp(stamp, session: session)
            }
        }
    }

    public func vectorCounts() throws -> VectorCounts {
        try pool.with { session in
            try session.transaction {
                try session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                let passages = try session.query("SELECT count(*) FROM passage")[0].get(0, as: Int.self)
                let hasVectors = try hasTable("passage_vector", session)
                let vectors = hasVectors ? try session.query("SELECT count(*) FROM passage_vector")[0].get(0, as: Int.self) : 0
                let missing = hasVectors ? try session.query("""
                    SELECT count(*) FROM passage p WHERE NOT EXISTS (SELECT 1 FROM passage_vector v WHERE v.passage_id = p.id)
                    """)[0].get(0, as: Int.self) : passages
                let rebuilding = try hasTable("passage_vector_next", session)
                    ? try session.query("SELECT count(*) FROM passage_vector_next")[0].get(0, as: Int.self) : nil
                return VectorCounts(passages: passages, vectors: vectors, missing: missing, rebuilding: rebuilding)
            }
        }
    }
}
