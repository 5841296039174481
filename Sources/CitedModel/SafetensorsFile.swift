import CitedCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors reading a safetensors file; each names the file and, where it applies, the tensor.
public enum SafetensorsError: Error, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformedHeader(file: String, reason: String)
    case badTensor(name: String, file: String, reason: String)
    case tensorMissing(name: String, file: String)
    case shapeMismatch(name: String, file: String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "cannot read \(file): \(reason)"
        case let .malformedHeader(file, reason): "\(file): malformed safetensors header: \(reason)"
        case let .badTensor(name, file, reason): "\(file): tensor \(name): \(reason)"
        case let .tensorMissing(name, file): "\(file): tensor \(name) is missing"
        case let .shapeMismatch(name, file, expected, got):
            "\(file): tensor \(name) has shape \(got), expected \(expected)"
        }
    }
}

/// A memory-mapped safetensors file (8-byte little-endian header size, JSON header, raw data).
///
/// The header is validated on open: known dtypes, sizes equal to the shape's product, offsets
/// inside the data section and not overlapping.
public final class SafetensorsFile: @unchecked Sendable {
    /// Element types; floats convert to `Float`, integers can only be listed.
    public enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        public var byteSize: Int {
            switch self {
            case .f64, .i64: 8
            case .f32, .i32: 4
            case .f16, .bf16, .i16: 2
            case .i8, .u8, .bool: 1
            }
        }
    }

    /// One tensor's header entry.
    public struct TensorInfo: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range in the file (absolute).
        public let range: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    public let url: URL
    public let tensors: [String: TensorInfo]
    public let metadata: [String: String]
    private let base: UnsafeMutableRawPointer
    private let size: Int

    /// Largest JSON header accepted (the format's reference implementation refuses more than 100 MB).
    public static let maxHeaderBytes = 100 << 20

    /// Maps `url` and validates its header. Only regular files are opened (a FIFO would block); every size,
    /// shape and offset is checked against the file's size with overflow-reporting arithmetic (this module is
    /// built with `-Ounchecked`, where a plain `+` or `*` wraps silently).
    public init(url: URL) throws {
        self.url = url
        let file = url.path
        // Not blocking on a FIFO, refusing anything but a regular file: `RegularFile`.
        let fd: Int32
        do { (fd, size) = try RegularFile.openDescriptor(file) } catch let failure as RegularFile.Failure {
            throw SafetensorsError.unreadable(file: file, reason: failure.reason)
        }
        defer { close(fd) }
        guard size >= 8 else { throw SafetensorsError.malformedHeader(file: file, reason: "file has \(size) bytes") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw SafetensorsError.unreadable(file: file, reason: "mmap: \(String(cString: strerror(errno)))")
        }
        base = p
        do {
            (tensors, metadata) = try Self.parseHeader(base: p, size: size, file: file)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    deinit { munmap(base, size) }

    /// A JSON number that is a whole number in `0...limit`, or nil (huge values, fractions, strings).
    static func wholeNumber(_ value: Any?, limit: Int) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double >= 0, double <= Double(limit), double == double.rounded(.towardZero) else {
            return nil
        }
        return Int(exactly: double)
    }

    private static func parseHeader(base: UnsafeMutableRawPointer, size: Int, file: String) throws
        -> ([String: TensorInfo], [String: String]) {
        let rawHeaderSize = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard rawHeaderSize > 0, rawHeaderSize <= UInt64(size - 8), rawHeaderSize <= UInt64(maxHeaderBytes) else {
            throw SafetensorsError.malformedHeader(file: file,
                reason: "header size \(rawHeaderSize) exceeds file size \(size) or \(maxHeaderBytes) bytes")
        }
        let headerSize = Int(rawHeaderSize)
        let json = Data(bytes: base + 8, count: headerSize)
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw SafetensorsError.malformedHeader(file: file, reason: "header is not a JSON object")
        }
        let dataStart = 8 + headerSize
        let dataBytes = size - dataStart
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any] else {
                throw SafetensorsError.badTensor(name: name, file: file, reason: "entry is not an object")
            }
            guard let raw = entry["dtype"] as? String, let dtype = DType(rawValue: raw) else {
                throw SafetensorsError.badTensor(name: name, file: file, reason: "unknown dtype \(entry["dtype"] ?? "none")")
            }
            // Each dimension, and their product in bytes, must fit in the data section.
            guard let shapeValues = entry["shape"] as? [Any], shapeValues.count <= 8 else {
                throw SafetensorsError.badTensor(name: name, file: file, reason: "bad shape \(entry["shape"] ?? "none")")
            }
            let shape = shapeValues.compactMap { wholeNumber($0, limit: dataBytes) }
            guard shape.count == shapeValues.count else {
                throw SafetensorsError.badTensor(name: name, file: file, reason: "bad shape \(shapeValues)")
            }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2 else {
                throw SafetensorsError.badTensor(name: name, file: file, reason: "bad data_offsets")
            }
            guard let begin = wholeNumber(offsets[0], limit: dataBytes), let end = wholeNumber(offsets[1], limit: dataBytes),
                  begin <= end else {
                throw SafetensorsError.badTensor(name: name, file: file,
                    reason: "data_offsets \(offsets) outside the \(dataBytes)-byte data section")
            }
            var expected: Int? = dtype.byteSize
            for dimension in shape {
                guard let bytes = expected else { break }
                let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
                expected = overflow || product > dataBytes ? nil : product
            }
            guard let expected, end - begin == expected else {
                throw SafetensorsError.badTensor(name: name, file: file,
                    reason: "\(end - begin) bytes for shape \(shape) of \(raw) (\(expected.map(String.init) ?? "too many") expected)")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape,
                                       range: (dataStart + begin)..<(dataStart + end))
        }
        let sorted = tensors.values.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.upperBound > b.range.lowerBound {
            throw SafetensorsError.badTensor(name: b.name, file: file, reason: "overlaps tensor \(a.name)")
        }
        return (tensors, metadata)
    }

    /// The header entry of `name`, checked against `shape` when given.
    public func info(_ name: String, shape: [Int]? = nil) throws -> TensorInfo {
        guard let info = tensors[name] else { throw SafetensorsError.tensorMissing(name: name, file: url.path) }
        if let shape, shape != info.shape {
            throw SafetensorsError.shapeMismatch(name: name, file: url.path, expected: shape, got: info.shape)
        }
        return info
    }

    /// A pointer to the tensor `name` inside the mapping when it can be read in place as `Float`s
    /// (F32, little-endian host, 4-byte aligned), checked against `shape`; nil when it needs converting.
    public func f32View(_ name: String, shape: [Int]? = nil) throws -> (base: UnsafePointer<Float>, count: Int)? {
        let info = try info(name, shape: shape)
        #if _endian(little)
        let address = base + info.range.lowerBound
        guard info.dtype == .f32, Int(bitPattern: address) % 4 == 0 else { return nil }
        return (UnsafePointer(address.assumingMemoryBound(to: Float.self)), info.count)
        #else
        return nil
        #endif
    }

    /// The tensor `name` as `Float`s (F32 copied, F16/BF16/F64 converted), checked against `shape`.
    public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
        let info = try info(name, shape: shape)
        let n = info.count
        let src = UnsafeRawPointer(base + info.range.lowerBound)
        return try [Float](unsafeUninitializedCapacity: n) { out, count in
            switch info.dtype {
            case .f32:
                #if _endian(little)
                out.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 4 * n) { $0.update(from: src.assumingMemoryBound(to: UInt8.self), count: 4 * n) }
                #else
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                #endif
            case .f16:
                for i in 0..<n {
                    out[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                }
            case .bf16:
                for i in 0..<n {
                    let bits = UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16
                    out[i] = Float(bitPattern: bits)
                }
            case .f64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            default:
                throw SafetensorsError.badTensor(name: name, file: url.path, reason: "dtype \(info.dtype.rawValue) is not a float type")
            }
            count = n
        }
    }
}
