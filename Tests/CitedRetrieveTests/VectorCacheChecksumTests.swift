import CitedCore
import CitedKernels
import Foundation
import Testing
@testable import CitedRetrieve

@Suite("Vector cache checksum")
struct VectorCacheChecksumTests {
    typealias FakeSource = RetrieverTests.FakeSource

    func source(rows count: Int = 64) throws -> (FakeSource, [Float]) {
        let embedder = HashingEmbedder()
        let vectors = try embedder.embed((0..<count).map { "passage \($0) about topic \($0 % 7)" })
        let dims = vectors.count / count
        let rows = (0..<count).map { (Int64(100 + $0), Array(vectors[($0 * dims)..<(($0 + 1) * dims)])) }
        return (FakeSource(rows: rows, stamp: embedder.stamp), vectors)
    }

    /// Overwrites `count` bytes at `offset` with random bytes, header left intact.
    func damage(_ url: URL, at offset: UInt64, count: Int) throws {
        let handle = try FileHandle(forWritingTo: url)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data((0..<count).map { _ in UInt8.random(in: 0...255) }))
        try handle.close()
    }

    @Test("rebuilds of one cache at once from threads of one process all succeed (a temporary file each)")
    func concurrentRebuilds() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let url = corpus.folder.appendingPathComponent("vectors.cache")
        let sources = try (0..<6).map { _ in try source().0 }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            do {
                _ = try VectorCache.rebuild(url, source: sources[index], generation: "g1", stamp: sources[index].stamp)
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(try VectorCache.open(url, generation: "g1", stamp: sources[0].stamp).matrix.rows == 64)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: corpus.folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func append(_ item: String) { lock.withLock { items.append(item) } }
        var all: [String] { lock.withLock { items } }
    }

    @Test("random bytes over the vector section: open refuses the file, load warns and rebuilds, results are right")
    func corruptVectors() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let (source, vectors) = try source()
        let url = corpus.folder.appendingPathComponent("vectors.cache")
        let clean = try VectorCache.load(url, source: source)
        let dims = clean.matrix.dims
        let query = Array(vectors[(5 * dims)..<(6 * dims)])
        let expected = clean.search(query, parameters: DenseSearchParameters(k: 3)).map(\.passageID)
        #expect(expected.first == 105)
        #expect(source.reads == 1)

        // The vector section starts after the 4096-byte header and the 64-byte-aligned ids.
        let idsBytes = (64 * 8 + 63) & ~63
        for (offset, count) in [(4096 + idsBytes + 5 * dims * 4, 64), (4096 + 8, 8), (4096 + idsBytes + 64 * dims * 4 + 3, 1)] {
            try damage(url, at: UInt64(offset), count: count)
            let error = #expect(throws: RetrieveError.self) {
                try VectorCache.open(url, generation: "g1", stamp: source.stamp)
            }
            #expect(error?.description.contains("checksum mismatch") == true, "\(String(describing: error))")
            var warnings: [String] = []
            let readsBefore = source.reads
            let rebuilt = try VectorCache.load(url, source: source) { warnings.append($0) }
            #expect(source.reads == readsBefore + 1, "rebuilt from the source")
            #expect(warnings.count == 1 && warnings[0].contains("checksum mismatch"), "\(warnings)")
            #expect(rebuilt.search(query, parameters: DenseSearchParameters(k: 3)).map(\.passageID) == expected)
        }
        // A stale cache is rebuilt without a warning.
        source.generation = "g2"
        var warnings: [String] = []
        _ = try VectorCache.load(url, source: source) { warnings.append($0) }
        #expect(warnings.isEmpty)
    }

    @Test("a header claiming absurd sizes is refused without computing them")
    func absurdHeader() throws {
        let corpus = try TestCorpus()
        defer { corpus.remove() }
        let (source, _) = try source(rows: 8)
        let url = corpus.folder.appendingPathComponent("vectors.cache")
        _ = try VectorCache.load(url, source: source)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seek(toOffset: 16)
        try handle.write(contentsOf: withUnsafeBytes(of: Int64.max / 2) { Data($0) })
        try handle.close()
        #expect(throws: RetrieveError.self) { try VectorCache.open(url, generation: "g1", stamp: source.stamp) }
    }

    @Test("the checksum runs at memory speed (256 MB)")
    func speed() {
        let count = 256 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
        defer { buffer.deallocate() }
        for i in stride(from: 0, to: count, by: 8) { buffer.storeBytes(of: UInt64(i) &* 0x9E37_79B9, toByteOffset: i, as: UInt64.self) }
        let started = Date()
        let sum = VectorCache.checksum(UnsafeRawBufferPointer(buffer))
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "vector cache checksum: 256 MB in %.1f ms (%.1f GB/s)", seconds * 1000, 0.25 / seconds))
        buffer.storeBytes(of: buffer.load(fromByteOffset: 1 << 20, as: UInt8.self) ^ 1, toByteOffset: 1 << 20, as: UInt8.self)
        #expect(VectorCache.checksum(UnsafeRawBufferPointer(buffer)) != sum)
        #expect(seconds < 2)
    }
}
