import CitedCore
import CitedKernels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where dense vectors come from: SQLite is the source of truth; the cache file mirrors it.
public protocol VectorSource {
    /// Changes whenever any vector changes (written, deleted, re-embedded).
    func vectorGeneration() throws -> String
    /// The embedder that made the vectors, if any vectors exist.
    func vectorStamp() throws -> EmbedderStamp?
    /// How many vectors there are.
    func vectorCount() throws -> Int
    /// Every vector in ascending passage id order, as raw little-endian fp32 bytes.
    func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws
}

/// A memory-mapped sidecar file holding the search matrix, a cache of the vectors in SQLite.
///
/// Layout: a 4096-byte header (magic, version, rows, dims, block size, checksum, generation, stamp JSON), the
/// passage ids `(rows)` as Int64, then the `SearchMatrix` block (vectors, int8 codes, scales, 2-bit codes).
/// It is rebuilt when its generation or stamp differ from the store's, written to a temporary file and renamed,
/// so a reader never sees half a file. The checksum covers everything after the header and is verified on every
/// open: a file damaged in place (bytes overwritten, header intact) is rebuilt with a warning, never searched.
public enum VectorCache {
    static let magic: UInt64 = 0x4345_5649_4445_5443  // "CTEDIVEC"
    static let version: UInt32 = 3
    static let headerSize = 4096

    /// Loads the cache at `url` if it matches `source`, else rebuilds it from `source` and writes it.
    /// A cache that fails its checksum is reported through `warn` (default: a `warning:` line on stderr) and rebuilt.
    public static func load(_ url: URL, source: VectorSource,
                            warn: (String) -> Void = { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) })
        throws -> DenseIndex {
        let generation = try source.vectorGeneration()
        let stamp = try source.vectorStamp()
        do {
            return try open(url, generation: generation, stamp: stamp)
        } catch RetrieveError.badCache(let path, let reason) where reason.hasPrefix(corruptPrefix) {
            warn("vector cache \(path): \(reason); rebuilding it from the index")
        } catch {
            // Missing, stale or of another version: rebuilt as a matter of course.
        }
        return try rebuild(url, source: source, generation: generation, stamp: stamp)
    }

    /// How reasons for damaged (not merely stale) files begin.
    static let corruptPrefix = "corrupt"

    /// A 64-bit checksum of `bytes` (a multiple of 64 bytes): eight FNV-1a-style lanes over 64-bit words,
    /// mixed at the end. Not cryptographic; it detects damage, at memory speed.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        precondition(bytes.count % 64 == 0, "checksummed sections are 64-byte aligned")
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var lanes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0xCBF2_9CE4_8422_2325, 1, 2, 3, 4, 5, 6, 7)
        guard let base = bytes.baseAddress else { return 0 }
        var offset = 0
        while offset < bytes.count {
            let p = base + offset
            lanes.0 = (lanes.0 ^ p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) &* prime
            lanes.1 = (lanes.1 ^ p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) &* prime
            lanes.2 = (lanes.2 ^ p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) &* prime
            lanes.3 = (lanes.3 ^ p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)) &* prime
            lanes.4 = (lanes.4 ^ p.loadUnaligned(fromByteOffset: 32, as: UInt64.self)) &* prime
            lanes.5 = (lanes.5 ^ p.loadUnaligned(fromByteOffset: 40, as: UInt64.self)) &* prime
            lanes.6 = (lanes.6 ^ p.loadUnaligned(fromByteOffset: 48, as: UInt64.self)) &* prime
            lanes.7 = (lanes.7 ^ p.loadUnaligned(fromByteOffset: 56, as: UInt64.self)) &* prime
            offset += 64
        }
        var hash = UInt64(bytes.count)
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3, lanes.4, lanes.5, lanes.6, lanes.7] {
            hash = (hash ^ lane) &* prime
            hash ^= hash >> 29
        }
        return hash
    }

    /// The stamp recorded in the cache file's header, without checking it against the store (nil when the
    /// file is missing or unreadable): enough to start loading the matching embedder early.
    public static func peekStamp(_ url: URL) -> EmbedderStamp? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: headerSize), data.count == headerSize else { return nil }
        return data.withUnsafeBytes { try? Header(reading: $0, path: url.path).stamp }
    }

    /// Maps the file and checks it against the expected generation and stamp; throws when it does not match.
    public static func open(_ url: URL, generation: String, stamp: EmbedderStamp?) throws -> DenseIndex {
        let fd = Darwinless.open(url.path)
        guard fd >= 0 else { throw RetrieveError.badCache(path: url.path, reason: "cannot open") }
        defer { _ = Darwinless.close(fd) }
        let size = Darwinless.fileSize(fd)
        guard size >= headerSize else { throw RetrieveError.badCache(path: url.path, reason: "too short") }
        guard let base = Darwinless.map(fd, size: size) else {
            throw RetrieveError.badCache(path: url.path, reason: "mmap failed")
        }
        let release = { Darwinless.unmap(base, size: size) }
        do {
            let header = try Header(reading: UnsafeRawBufferPointer(start: base, count: headerSize), path: url.path)
            guard header.generation == generation, header.stamp == stamp else {
                throw RetrieveError.badCache(path: url.path, reason: "stale")
            }
            // Bounded before any size is computed from them (this module is built with -Ounchecked).
            guard header.rows <= size / 8, header.dims <= 1 << 16 else {
                throw RetrieveError.badCache(path: url.path, reason: "\(corruptPrefix): implausible header")
            }
            let layout = SearchMatrix.Layout(rows: header.rows, dims: header.dims)
            let idsBytes = (header.rows * 8 + 63) & ~63
            guard layout.byteCount == header.blockSize, size == headerSize + idsBytes + layout.byteCount else {
                throw RetrieveError.badCache(path: url.path, reason: "size does not match its header")
            }
            let body = UnsafeRawBufferPointer(start: base + headerSize, count: size - headerSize)
            guard checksum(body) == header.checksum else {
                throw RetrieveError.badCache(path: url.path, reason: "\(corruptPrefix): checksum mismatch")
            }
            let ids = Array(UnsafeBufferPointer(start: (base + headerSize).assumingMemoryBound(to: Int64.self),
                                                count: header.rows))
            // Bring in what the first pass reads: the 2-bit codes and per-row numbers, plus the int8 codes where
            // `auto` scans them all (small matrices); elsewhere only a shortlist's int8 and fp32 rows are touched.
            let matrixBase = base + headerSize + idsBytes
            let from = layout.rows < DenseMethod.binaryMinimumRows ? layout.codes : layout.scale
            Darwinless.willNeed(matrixBase + from, size: layout.byteCount - from)
            let matrix = SearchMatrix(base: UnsafeRawPointer(base + headerSize + idsBytes), layout: layout,
                                      release: release)
            return DenseIndex(ids: ids, matrix: matrix, stamp: header.stamp)
        } catch {
            release()
            throw error
        }
    }

    /// Reads every vector from `source` into a new cache file at `url` and maps it.
    public static func rebuild(_ url: URL, source: VectorSource, generation: String, stamp: EmbedderStamp?) throws
        -> DenseIndex {
        guard let stamp else { throw RetrieveError.noVectors }
        let dims = stamp.dimension
        let expected = try source.vectorCount()
        var ids: [Int64] = []
        ids.reserveCapacity(expected)
        var floats: [Float] = []
        floats.reserveCapacity(expected * dims)
        try source.forEachVector { id, bytes in
            guard bytes.count == dims * 4 else { throw RetrieveError.vectorSize(passageID: id, bytes: bytes.count, dims: dims) }
            ids.append(id)
            floats.append(contentsOf: bytes.bindMemory(to: Float.self))
        }
        guard !ids.isEmpty else { throw RetrieveError.noVectors }
        let layout = SearchMatrix.Layout(rows: ids.count, dims: dims)
        let idsBytes = (ids.count * 8 + 63) & ~63
        let total = headerSize + idsBytes + layout.byteCount
        let block = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 0, count: headerSize + idsBytes)
        ids.withUnsafeBytes { (block + headerSize).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let matrixBase = block + headerSize + idsBytes
        floats.withUnsafeBytes { matrixBase.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        SearchMatrix.deriveSections(in: matrixBase, layout: layout)
        let sum = checksum(UnsafeRawBufferPointer(start: block + headerSize, count: total - headerSize))
        try Header(rows: ids.count, dims: dims, blockSize: layout.byteCount, checksum: sum, generation: generation,
                   stamp: stamp).write(to: UnsafeMutableRawBufferPointer(start: block, count: headerSize))
        // A name of its own per write: engines of one process may rebuild the same cache at once (each rename is
        // atomic; with one name per process, the second rename found its file already moved).
        let temporary = url.appendingPathExtension("tmp-\(getpid())-\(UUID().uuidString)")
        try Data(bytesNoCopy: block, count: total, deallocator: .none).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw RetrieveError.badCache(path: url.path, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        return try open(url, generation: generation, stamp: stamp)
    }

    struct Header {
        var rows: Int
        var dims: Int
        var blockSize: Int
        /// `VectorCache.checksum` of everything after the header.
        var checksum: UInt64
        var generation: String
        var stamp: EmbedderStamp?

        /// Where the stamp JSON starts (after magic, version, rows, dims, block size, JSON length, checksum).
        static let jsonOffset = 56

        init(rows: Int, dims: Int, blockSize: Int, checksum: UInt64, generation: String, stamp: EmbedderStamp?) {
            self.rows = rows
            self.dims = dims
            self.blockSize = blockSize
            self.checksum = checksum
            self.generation = generation
            self.stamp = stamp
        }

        init(reading raw: UnsafeRawBufferPointer, path: String) throws {
            guard raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == VectorCache.magic,
                  raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == VectorCache.version else {
                throw RetrieveError.badCache(path: path, reason: "not a Cited vector cache of version \(VectorCache.version)")
            }
            rows = Int(raw.loadUnaligned(fromByteOffset: 16, as: Int64.self))
            dims = Int(raw.loadUnaligned(fromByteOffset: 24, as: Int64.self))
            blockSize = Int(raw.loadUnaligned(fromByteOffset: 32, as: Int64.self))
            let length = Int(raw.loadUnaligned(fromByteOffset: 40, as: Int64.self))
            checksum = raw.loadUnaligned(fromByteOffset: 48, as: UInt64.self)
            let start = Self.jsonOffset
            guard rows >= 0, dims > 0, blockSize >= 0, length >= 0, length <= raw.count - start else {
                throw RetrieveError.badCache(path: path, reason: "\(VectorCache.corruptPrefix): bad header")
            }
            let json = Data(raw[start..<(start + length)])
            struct Meta: Codable { var generation: String; var stamp: EmbedderStamp? }
            let meta = try JSONDecoder().decode(Meta.self, from: json)
            generation = meta.generation
            stamp = meta.stamp
        }

        func write(to raw: UnsafeMutableRawBufferPointer) throws {
            struct Meta: Codable { var generation: String; var stamp: EmbedderStamp? }
            let json = try JSONEncoder().encode(Meta(generation: generation, stamp: stamp))
            let start = Self.jsonOffset
            precondition(json.count <= raw.count - start, "vector cache header too long")
            raw.storeBytes(of: VectorCache.magic, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: VectorCache.version, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: Int64(rows), toByteOffset: 16, as: Int64.self)
            raw.storeBytes(of: Int64(dims), toByteOffset: 24, as: Int64.self)
            raw.storeBytes(of: Int64(blockSize), toByteOffset: 32, as: Int64.self)
            raw.storeBytes(of: Int64(json.count), toByteOffset: 40, as: Int64.self)
            raw.storeBytes(of: checksum, toByteOffset: 48, as: UInt64.self)
            json.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + json.count)]).copyMemory(from: $0) }
        }
    }
}

/// Thin POSIX wrappers for mapping the cache file read-only.
enum Darwinless {
    static func open(_ path: String) -> Int32 { Glibc.open(path, O_RDONLY) }
    static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }
    static func fileSize(_ fd: Int32) -> Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : -1
    }
    static func map(_ fd: Int32, size: Int) -> UnsafeMutableRawPointer? {
        let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        return p == MAP_FAILED ? nil : p
    }
    static func unmap(_ base: UnsafeMutableRawPointer, size: Int) { munmap(base, size) }
    static func willNeed(_ base: UnsafeMutableRawPointer, size: Int) {
        let page = Int(getpagesize())
        let start = UInt(bitPattern: base) & ~UInt(page - 1)
        let pointer = UnsafeMutableRawPointer(bitPattern: start)!
        madvise(pointer, size + Int(UInt(bitPattern: base) - start), MADV_WILLNEED)
    }
}
