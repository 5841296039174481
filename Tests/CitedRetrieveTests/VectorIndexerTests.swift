import CitedCore
import CitedStore
import Foundation
import GRDB
import Testing
@testable import CitedRetrieve

/// The hashing embedder under another name and dimension: a different embedding space.
final class OtherEmbedder: Embedder {
    let stamp = EmbedderStamp(name: "other-test", weightsSHA256: "1", dimension: 32, pooling: "mean",
                              tokenLimit: 256, chunkerVersion: 1)
    /// Fails after this many calls (to interrupt a rebuild), if set.
    var failAfter: Int?
    private(set) var calls = 0
    private(set) var embedded = 0

    func embed(_ texts: [String]) throws -> [Float] {
        calls += 1
        if let failAfter, calls > failAfter { throw CocoaError(.userCancelled) }
        embedded += texts.count
        Thread.sleep(forTimeInterval: 0.002)  // slow enough for readers to run during a rebuild
        return texts.flatMap { text -> [Float] in
            var vector = [Float](repeating: 0, count: 32)
            vector[abs(text.count) % 32] = 1
            return vector
        }
    }
}

@Suite("Vector indexer: ingest embedding, rebuild, model switch", .serialized)
struct VectorIndexerTests {
    @Test("New passages are embedded once; a different embedder is refused until a rebuild")
    func embedMissingAndRefusal() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let indexer = VectorIndexer(store: corpus.store, embedder: HashingEmbedder())
        #expect(try indexer.embedMissing() == corpus.passageIDs.count)
        #expect(try indexer.embedMissing() == 0)
        let status = try VectorIndexer.status(corpus.store, chunkerVersion: 1)
        #expect(status.vectors == corpus.passageIDs.count && status.missing == 0 && status.stamp?.name == "hashing-test")
        #expect(throws: RetrieveError.self) { try VectorIndexer(store: corpus.store, embedder: OtherEmbedder()).embedMissing() }
        // A retriever with another embedder than the index's is refused.
        let dense = try VectorCache.load(corpus.folder.appendingPathComponent("vectors.cache"),
                                         source: StoreVectorSource(store: corpus.store))
        #expect(throws: RetrieveError.self) { try Retriever(store: corpus.store, embedder: OtherEmbedder(), dense: dense) }
    }

    @Test("A rebuild swaps in one transaction while a search loop keeps answering with zero failures")
    func rebuildUnderReaders() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        try VectorIndexer(store: corpus.store, embedder: HashingEmbedder()).embedMissing()
        let cache = corpus.folder.appendingPathComponent("vectors.cache")
        let other = OtherEmbedder()
        let indexer = VectorIndexer(store: corpus.store, embedder: other)
        indexer.batchSize = 1

        let done = ManagedAtomicFlag()
        let counts = ReaderCounts()
        let reader = Thread {
            var searches = 0, failures = 0, sawNew = false
            defer { counts.record(searches: searches, failures: failures, sawNew: sawNew) }
            while !done.isSet {
                do {
                    let dense = try VectorCache.load(cache, source: StoreVectorSource(store: corpus.store))
                    // Every snapshot is whole: all vectors of one space, matching its stamp.
                    guard let stamp = dense.stamp else { failures += 1; continue }
                    let embedder: Embedder = stamp.name == "hashing-test" ? HashingEmbedder() : OtherEmbedder()
                    let hits = try Retriever(store: corpus.store, embedder: embedder, dense: dense)
                        .search("IL-6 sepsis", parameters: SearchParameters(k: 3, mode: .dense))
                    if dense.count != corpus.passageIDs.count || hits.isEmpty { failures += 1 }
                    if stamp.name == "other-test" { sawNew = true }
                    searches += 1
                } catch {
                    failures += 1
                }
            }
        }
        reader.start()
        #expect(try indexer.rebuild() == corpus.passageIDs.count)
        Thread.sleep(forTimeInterval: 0.2)
        done.set()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(counts.searches > 0)
        #expect(counts.failures == 0)
        #expect(counts.sawNew)
        #expect(try VectorIndexer.indexStamp(corpus.store)?.name == "other-test")
    }

    @Test("An interrupted rebuild resumes where it stopped")
    func resumableRebuild() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        try VectorIndexer(store: corpus.store, embedder: HashingEmbedder()).embedMissing()
        let failing = OtherEmbedder()
        failing.failAfter = 3
        let first = VectorIndexer(store: corpus.store, embedder: failing)
        first.batchSize = 1
        #expect(throws: (any Error).self) { try first.rebuild() }
        // The old vectors still serve; three passages are already in the shadow table.
        #expect(try VectorIndexer.indexStamp(corpus.store)?.name == "hashing-test")
        #expect(try VectorIndexer.status(corpus.store, chunkerVersion: 1).rebuildInProgress == 3)

        let resumed = OtherEmbedder()
        let second = VectorIndexer(store: corpus.store, embedder: resumed)
        second.batchSize = 1
        #expect(try second.rebuild() == corpus.passageIDs.count - 3)
        #expect(resumed.embedded == corpus.passageIDs.count - 3)
        let status = try VectorIndexer.status(corpus.store, chunkerVersion: 1)
        #expect(status.vectors == corpus.passageIDs.count && status.rebuildInProgress == nil)
        #expect(status.stamp?.name == "other-test")
    }
}

/// What the reader thread saw, handed over when it ends.
final class ReaderCounts: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var searches = 0, failures = 0, sawNew = false
    func record(searches: Int, failures: Int, sawNew: Bool) {
        lock.lock()
        (self.searches, self.failures, self.sawNew) = (searches, failures, sawNew)
        lock.unlock()
    }
}

/// A flag one thread sets and another reads.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
