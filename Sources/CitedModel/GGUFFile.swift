import CitedCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A memory-mapped GGUF file (v2 or v3): metadata and the tensor table.
/// Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
public final class GGUFFile: @unchecked Sendable {
    public let url: URL
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensor]
    public let alignment: Int
    private let index: [String: Int]
    private let base: UnsafeMutableRawPointer
    private let size: Int

    /// Most metadata array elements in one file, all arrays together (a 256k vocabulary with scores, types and
    /// merges is about 1M): every element becomes a `GGUFValue`, so this bounds the memory a header can claim.
    public static let maxMetadataElements = 1 << 22

    /// Maps `url` and parses its header; tensor data stays on disk until touched.
    ///
    /// Every count, size and offset is checked with overflow-reporting arithmetic (this module is built with
    /// `-Ounchecked`, where a plain `*` or `+` wraps silently) and against the file's size before anything is
    /// allocated. Only regular files are opened (a FIFO would block, a directory cannot be mapped).
    public init(url: URL) throws {
        self.url = url
        let file = url.lastPathComponent
        // Not blocking on a FIFO, refusing anything but a regular file: `RegularFile`.
        let fd: Int32
        do { (fd, size) = try RegularFile.openDescriptor(url.path) } catch let failure as RegularFile.Failure {
            throw GGUFError.cannotOpen(file: url.path, reason: failure.reason)
        }
        defer { close(fd) }
        guard size >= 8 else { throw GGUFError.truncated(file: file, offset: 0, need: 8) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw GGUFError.cannotOpen(file: url.path, reason: "mmap failed")
        }
        base = p
        do {
            var r = GGUFCursor(base: UnsafeRawPointer(p), size: size, file: file)
            guard try r.u32() == 0x4655_4747 else { throw GGUFError.notGGUF(file: file) }  // "GGUF"
            version = try r.u32()
            guard version == 2 || version == 3 else {
                throw GGUFError.unsupportedVersion(file: file, version: version)
            }
            // A tensor entry takes at least 8 + 4 + 8 + 4 + 8 bytes, a key-value pair 8 + 4 + 1.
            let tensorCount = try r.count(limit: 1 << 20, what: "tensor count")
            let kvCount = try r.count(limit: 1 << 20, what: "metadata count")
            try r.fits(count: kvCount, each: 13, what: "metadata count")
            var meta: [String: GGUFValue] = [:]
            for _ in 0..<kvCount {
                let key = try r.string()
                let type = try r.u32()
                meta[key] = try r.value(type: type)
            }
            try r.fits(count: tensorCount, each: 32, what: "tensor count")
            metadata = meta
            let align = meta["general.alignment"]?.int ?? 32
            guard align > 0, align <= 1 << 20, align & (align - 1) == 0 else {
                throw GGUFError.malformed(file: file, reason: "general.alignment \(align) is not a power of two ≤ 1 MB")
            }
            alignment = align
            var infos: [(String, UInt32, [Int], Int)] = []
            infos.reserveCapacity(tensorCount)
            for _ in 0..<tensorCount {
                let name = try r.string()
                let nDims = Int(try r.u32())
                guard (1...4).contains(nDims) else {
                    throw GGUFError.malformed(file: file, reason: "tensor '\(name)' has \(nDims) dimensions")
                }
                var dims: [Int] = []
                for _ in 0..<nDims {
                    let d = try r.u64()
                    guard d > 0, d < 1 << 40 else {
                        throw GGUFError.malformed(file: file, reason: "tensor '\(name)' has dimension \(d)")
                    }
                    dims.append(Int(d))
                }
                let type = try r.u32()
                let off = try r.u64()
                guard off < UInt64(size) else { throw GGUFError.tensorOutOfBounds(file: file, tensor: name) }
                infos.append((name, type, dims, Int(off)))
            }
            let dataStart = try Checked.roundUp(r.offset, to: align, file: file)
            var list: [GGUFTensor] = []
            var idx: [String: Int] = [:]
            for (name, rawType, dims, off) in infos {
                guard let type = GGMLType(rawValue: rawType) else {
                    throw GGUFError.unsupportedTensorType(file: file, tensor: name, type: rawType)
                }
                guard dims[0] % type.blockSize == 0 else {
                    throw GGUFError.malformed(file: file, reason:
                        "tensor '\(name)': row of \(dims[0]) values is not a multiple of \(type.name) blocks")
                }
                guard off % align == 0 else {
                    throw GGUFError.malformed(file: file, reason: "tensor '\(name)' is not aligned to \(align)")
                }
                // elements = product of dims; bytes = elements / blockSize * blockBytes; end = dataStart + off + bytes.
                guard let count = Checked.product(dims),
                      let bytes = Checked.multiply(count / type.blockSize, type.blockBytes),
                      let start = Checked.add(dataStart, off), let end = Checked.add(start, bytes), end <= size else {
                    throw GGUFError.tensorOutOfBounds(file: file, tensor: name)
                }
                guard idx[name] == nil else {
                    throw GGUFError.malformed(file: file, reason: "tensor '\(name)' appears twice")
                }
                idx[name] = list.count
                list.append(GGUFTensor(name: name, type: type, dims: dims, offset: off,
                                       data: UnsafeRawPointer(p + start), byteCount: bytes))
            }
            tensors = list
            index = idx
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit { munmap(base, size) }

    /// File size in bytes.
    public var fileSize: Int { size }

    /// The tensor called `name`, or an error naming it and the file.
    public func tensor(_ name: String) throws -> GGUFTensor {
        guard let i = index[name] else { throw GGUFError.tensorMissing(file: url.lastPathComponent, tensor: name) }
        return tensors[i]
    }

    /// Whether a tensor called `name` exists.
    public func hasTensor(_ name: String) -> Bool { index[name] != nil }

    /// A required metadata value.
    public func value(_ key: String) throws -> GGUFValue {
        guard let v = metadata[key] else { throw GGUFError.metadataMissing(file: url.lastPathComponent, key: key) }
        return v
    }

    /// A required integer metadata value.
    public func int(_ key: String) throws -> Int {
        guard let v = try value(key).int else {
            throw GGUFError.malformed(file: url.lastPathComponent, reason: "metadata '\(key)' is not an integer")
        }
        return v
    }

    /// A required string metadata value.
    public func string(_ key: String) throws -> String {
        guard let v = try value(key).string else {
            throw GGUFError.malformed(file: url.lastPathComponent, reason: "metadata '\(key)' is not a string")
        }
        return v
    }
}

/// Integer arithmetic that reports overflow instead of wrapping (this module is built with `-Ounchecked`).
enum Checked {
    static func add(_ a: Int, _ b: Int) -> Int? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    static func multiply(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }

    /// The product of `values`, or nil if it overflows or a value is negative.
    static func product(_ values: [Int]) -> Int? {
        var result = 1
        for value in values {
            guard value >= 0, let next = multiply(result, value) else { return nil }
            result = next
        }
        return result
    }

    /// `value` rounded up to a multiple of `alignment` (a power of two).
    static func roundUp(_ value: Int, to alignment: Int, file: String) throws -> Int {
        guard let padded = add(value, alignment - 1) else {
            throw GGUFError.malformed(file: file, reason: "offset \(value) overflows")
        }
        return padded / alignment * alignment
    }
}

/// A bounds-checked little-endian reader over the mapped header.
struct GGUFCursor {
    let base: UnsafeRawPointer
    let size: Int
    let file: String
    var offset = 0
    /// Metadata array elements read so far (see `GGUFFile.maxMetadataElements`).
    var elements = 0

    /// Bytes not yet read.
    var remaining: Int { size - offset }

    mutating func need(_ n: Int) throws {
        guard n >= 0, n <= size - offset else { throw GGUFError.truncated(file: file, offset: offset, need: n) }
    }

    /// Throws unless `count` items of at least `each` bytes fit in what is left of the file.
    func fits(count: Int, each: Int, what: String) throws {
        guard let bytes = Checked.multiply(count, each), bytes <= remaining else {
            throw GGUFError.malformed(file: file, reason:
                "\(what) \(count) needs at least \(count) × \(each) bytes, \(remaining) are left")
        }
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try need(MemoryLayout<T>.size)
        let v = base.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    mutating func u32() throws -> UInt32 { try load(UInt32.self) }
    mutating func u64() throws -> UInt64 { try load(UInt64.self) }

    mutating func count(limit: UInt64, what: String) throws -> Int {
        let n = try u64()
        guard n <= limit, let value = Int(exactly: n) else {
            throw GGUFError.malformed(file: file, reason: "\(what) \(n) is implausible")
        }
        return value
    }

    mutating func string() throws -> String {
        let n = try count(limit: UInt64(size), what: "string length")
        try need(n)
        let s = String(decoding: UnsafeRawBufferPointer(start: base + offset, count: n), as: UTF8.self)
        offset += n
        return s
    }

    /// The fewest bytes a value of metadata type `type` takes (for bounding array counts), nil if unknown.
    static func minimumBytes(type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: 1
        case 2, 3: 2
        case 4, 5, 6: 4
        case 8, 10, 11, 12: 8
        case 9: 12
        default: nil
        }
    }

    mutating func value(type: UInt32, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try load(UInt8.self))
        case 1: return .int8(try load(Int8.self))
        case 2: return .uint16(try load(UInt16.self))
        case 3: return .int16(try load(Int16.self))
        case 4: return .uint32(try load(UInt32.self))
        case 5: return .int32(try load(Int32.self))
        case 6: return .float32(Float(bitPattern: try load(UInt32.self)))
        case 7:
            let b = try load(UInt8.self)
            guard b <= 1 else { throw GGUFError.malformed(file: file, reason: "bool value \(b) at \(offset - 1)") }
            return .bool(b == 1)
        case 8: return .string(try string())
        case 9:
            guard depth < 4 else { throw GGUFError.malformed(file: file, reason: "arrays nested too deeply") }
            let elementType = try u32()
            guard let each = Self.minimumBytes(type: elementType) else {
                throw GGUFError.malformed(file: file, reason: "unknown array element type \(elementType) at offset \(offset - 4)")
            }
            let n = try count(limit: UInt64(size), what: "array length")
            // Bounded by the bytes left before anything is reserved, and by the element budget.
            try fits(count: n, each: each, what: "array length")
            guard let total = Checked.add(elements, n), total <= GGUFFile.maxMetadataElements else {
                throw GGUFError.malformed(file: file, reason:
                    "metadata arrays hold more than \(GGUFFile.maxMetadataElements) elements")
            }
            elements = total
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(type: elementType, depth: depth + 1)) }
            return .array(items)
        case 10: return .uint64(try load(UInt64.self))
        case 11: return .int64(try load(Int64.self))
        case 12: return .float64(Double(bitPattern: try load(UInt64.self)))
        default:
            throw GGUFError.malformed(file: file, reason: "unknown metadata value type \(type) at offset \(offset - 4)")
        }
    }
}
