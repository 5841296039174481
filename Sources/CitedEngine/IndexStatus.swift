import CitedIngest
import CitedRetrieve
import CitedStore
import Foundation

/// What `cited index status` reports: documents and passages per kind and domain, and the vectors.
public struct IndexStatus: Encodable, Sendable {
    public var database: String
    public var documents: Int
    public var passages: Int
    public var files: Int
    /// The chunker version every document was cut with (nil when they differ: a rebuild is due).
    public var chunkerVersion: Int?
    /// Every chunker version in the index.
    public var chunkerVersions: [Int]
    public var counts: [IndexCount]
    public var vectors: VectorIndexer.Status
    /// Passages flagged at ingest as carrying instructions to the model (untrusted evidence).
    public var instructionPassages: Int

    enum CodingKeys: String, CodingKey {
        case database, documents, passages, files, counts, vectors
        case chunkerVersion = "chunker_version"
        case instructionPassages = "instruction_passages"
    }

    /// Reads the status of `store`.
    public init(store: any IndexStore) throws {
        counts = try store.counts()
        chunkerVersions = try store.chunkerVersions()
        database = store.location
        documents = counts.reduce(0) { $0 + $1.documents }
        passages = counts.reduce(0) { $0 + $1.passages }
        files = try store.fileCount()
        chunkerVersion = chunkerVersions.count == 1 ? chunkerVersions[0] : nil
        vectors = try VectorIndexer.status(store, chunkerVersion: Chunker.version)
        instructionPassages = try store.instructionPassageCount()
    }
}
