import CitedCore
import CitedStore
import Foundation

/// Reads the `vector` table (see `VectorTable` in CitedStore) for the memory-mapped cache.
public struct StoreVectorSource: VectorSource {
    public let store: any IndexStore

    public init(store: any IndexStore) { self.store = store }

    public func vectorGeneration() throws -> String { try store.vectorGeneration() }

    public func vectorStamp() throws -> EmbedderStamp? {
        guard let json = try store.meta("embedder") else { return nil }
        return try JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8))
    }

    public func vectorCount() throws -> Int { try store.vectorCount() }

    public func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        try store.forEachVector(body)
    }
}
