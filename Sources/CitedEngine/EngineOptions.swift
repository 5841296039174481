import CitedAnswer
import CitedRetrieve
import CitedStore
import Foundation

/// How an engine opens its index and shares its models; loaded once per process.
public struct EngineOptions: Sendable {
    /// The index folder (holding `cited.sqlite` and `vectors.cache`).
    public var indexDirectory: URL
    /// Which model answers which domain.
    public var answerConfiguration: AnswerConfiguration
    /// Load the vectors and the query embedder (false: BM25 search only).
    public var needsVectors = true
    /// Searches that run at once, each with a retriever of its own; more wait their turn. Not the core count:
    /// the query embeddings of searches in flight are combined into shared forward passes (`BertEmbedder`),
    /// which only happens when several are in flight; a lane is a few objects, no buffers.
    public var searchLanes = 32
    /// Query texts whose vectors are kept for repeated searches (0: none); a hit skips the embedding.
    public var queryCacheEntries = 0
    /// Asks in flight at once (generating or waiting for their model); more are refused as busy.
    public var askLimit = 8
    /// A PostgreSQL store (`--store postgres://…`); nil: the SQLite file in `indexDirectory`.
    public var postgresURL: URL?

    public init(indexDirectory: URL, answerConfiguration: AnswerConfiguration = .builtIn) {
        self.indexDirectory = indexDirectory
        self.answerConfiguration = answerConfiguration
    }

    /// Where the index lives.
    public var storeLocation: StoreLocation { postgresURL.map { .postgres($0) } ?? .folder(indexDirectory) }

    /// The SQLite file inside the index folder.
    public var databaseURL: URL { indexDirectory.appendingPathComponent("cited.sqlite") }
    /// The memory-mapped vector matrix beside it.
    public var vectorCacheURL: URL { indexDirectory.appendingPathComponent("vectors.cache") }
}
