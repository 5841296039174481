import CitedCore
import CitedStore
import Foundation

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
    public let store: any IndexStore
    public let embedder: Embedder
    public var batchSize = 256
    /// Embed only passages whose id modulo `count` is `index` (workers of `cited ingest --shard i/n` share the
    /// embedding); nil: every passage. A passage another worker left is embedded by any later run without a shard.
    public var shard: (index: Int, count: Int)?

    public init(store: any IndexStore, embedder: Embedder) {
        self.store = store
        self.embedder = embedder
    }

    /// The stamp of the vectors in the index, if any.
    public static func indexStamp(_ store: any IndexStore) throws -> EmbedderStamp? {
        guard let json = try store.meta("embedder") else { return nil }
        return try JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8))
    }

    /// Embeds the passages that have no vector. Refuses when the index holds another embedder's vectors.
    @discardableResult
    public func embedMissing(progress: (EmbeddingProgress) -> Void = { _ in }) throws -> Int {
        if let stamp = try Self.indexStamp(store), !Retriever.sameSpace(stamp, embedder.stamp) {
            throw RetrieveError.embedderMismatch(index: stamp.name, query: embedder.stamp.name)
        }
        return try fill(.live(embedder.stamp), progress: progress)
    }

    /// Re-embeds every passage into the shadow table, then swaps it in. Resumes an interrupted rebuild
    /// made with the same embedder; a rebuild with another embedder starts over.
    @discardableResult
    public func rebuild(progress: (EmbeddingProgress) -> Void = { _ in }) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let stampJSON = String(decoding: try encoder.encode(embedder.stamp), as: UTF8.self)
        try store.beginVectorRebuild(stamp: embedder.stamp, stampJSON: stampJSON)
        let embedded = try fill(.shadow(dimension: embedder.stamp.dimension), progress: progress)
        try store.finishVectorRebuild(stamp: embedder.stamp)
        return embedded
    }

    /// Passages without a row in `target`'s table, embedded and written batch by batch (one transaction each).
    private func fill(_ target: VectorTarget, progress: (EmbeddingProgress) -> Void) throws -> Int {
        let missing = try store.passagesWithoutVectorCount(in: target)
        let total = shard.map { (missing + $0.count - 1) / $0.count } ?? missing  // a shard's share, about
        let start = DispatchTime.now().uptimeNanoseconds
        var done = 0
        var after: Int64 = 0
        while true {
            var rows = try store.passagesWithoutVector(in: target, after: after, limit: batchSize)
            guard let last = rows.last else { break }
            after = last.id
            if let shard { rows = rows.filter { Int($0.id % Int64(shard.count)) == shard.index } }
            if rows.isEmpty { continue }
            let ids = rows.map(\.id)
            let vectors = try embedder.embed(rows.map(\.text))
            try store.writeVectors(ids: ids, vectors: vectors, to: target)
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

    public static func status(_ store: any IndexStore, chunkerVersion: Int) throws -> Status {
        let stamp = try indexStamp(store)
        let counts = try store.vectorCounts()
        return Status(passages: counts.passages, vectors: counts.vectors, missing: counts.missing, stamp: stamp,
                      stale: stamp.map { $0.chunkerVersion != chunkerVersion } ?? false,
                      rebuildInProgress: counts.rebuilding)
    }
}
