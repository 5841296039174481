import Foundation

/// The vectors of recent query texts, least recently used evicted first, shared by the retrievers of one
/// index (one embedder). A hit returns the very vector a new embedding would give (the embedder is
/// deterministic: a text's vector does not depend on what it is batched with), so results do not change.
///
/// `@unchecked Sendable`: every stored property is read and written under `lock`.
public final class QueryVectorCache: @unchecked Sendable {
    public let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (vector: [Float], used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var hitCount = 0, missCount = 0

    /// - Parameter capacity: query texts kept (at least 1); a 384-dimension vector is 1.5 KB.
    public init(capacity: Int) {
        precondition(capacity > 0, "a query cache holds at least one vector")
        self.capacity = capacity
    }

    /// The vector of `query`, computing it with `embed` (outside the lock) when it is not cached.
    public func vector(for query: String, embed: () throws -> [Float]) rethrows -> [Float] {
        lock.lock()
        clock += 1
        if let entry = entries[query] {
            entries[query] = (entry.vector, clock)
            hitCount += 1
            lock.unlock()
            return entry.vector
        }
        missCount += 1
        lock.unlock()
        let vector = try embed()
        lock.lock()
        defer { lock.unlock() }
        if entries[query] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil  // a linear scan per insertion: microseconds at a few thousand entries
        }
        entries[query] = (vector, clock)
        return vector
    }

    /// Lookups answered from the cache, and lookups that embedded.
    public var counts: (hits: Int, misses: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (hitCount, missCount)
    }
}
