import Foundation

/// Tensor element types of ggml that Cited can read (ids as in the GGUF specification).
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8
    case q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15, bf16 = 30

    /// Values per block.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: 32
        case .q4_K, .q5_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        case .q8_K: 292
        }
    }

    /// The ggml name, e.g. `Q4_K`.
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        }
    }

    /// Bytes taken by a row of `count` values (count must be a multiple of the block size).
    public func rowBytes(_ count: Int) -> Int { count / blockSize * blockBytes }
}

/// A GGUF metadata value.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array([GGUFValue])

    /// The value as an integer, if it is one.
    public var int: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// The value as a floating-point number, if it is numeric.
    public var double: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: int.map(Double.init)
        }
    }

    /// The value as a string, if it is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a Boolean, if it is one.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if the value is an array.
    public var array: [GGUFValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// What can go wrong reading a GGUF file or a model in it; every case names the file.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    case notGGUF(file: String)
    case unsupportedVersion(file: String, version: UInt32)
    case truncated(file: String, offset: Int, need: Int)
    case malformed(file: String, reason: String)
    case unsupportedTensorType(file: String, tensor: String, type: UInt32)
    case tensorOutOfBounds(file: String, tensor: String)
    case tensorShape(file: String, tensor: String, expected: [Int], got: [Int])
    case tensorMissing(file: String, tensor: String)
    case metadataMissing(file: String, key: String)
    case unsupportedArchitecture(file: String, architecture: String)

    public var description: String {
        switch self {
        case .cannotOpen(let f, let r): "cannot open \(f): \(r)"
        case .notGGUF(let f): "\(f): not a GGUF file (bad magic)"
        case .unsupportedVersion(let f, let v): "\(f): GGUF version \(v) is not supported (2 and 3 are)"
        case .truncated(let f, let o, let n): "\(f): truncated: need \(n) bytes at offset \(o)"
        case .malformed(let f, let r): "\(f): malformed GGUF: \(r)"
        case .unsupportedTensorType(let f, let t, let ty):
            "\(f): tensor '\(t)' has ggml type \(ty), not supported; supported: "
                + GGMLType.allCases.map(\.name).joined(separator: ", ")
        case .tensorOutOfBounds(let f, let t): "\(f): tensor '\(t)' lies outside the file (truncated?)"
        case .tensorShape(let f, let t, let e, let g): "\(f): tensor '\(t)' has shape \(g), expected \(e)"
        case .tensorMissing(let f, let t): "\(f): tensor '\(t)' is missing"
        case .metadataMissing(let f, let k): "\(f): metadata key '\(k)' is missing"
        case .unsupportedArchitecture(let f, let a):
            "\(f): architecture '\(a)' is not supported (llama and qwen2 are)"
        }
    }
}

/// One tensor of a GGUF file: its type, shape (ne0 first) and bytes inside the mapping.
public struct GGUFTensor: @unchecked Sendable {
    public let name: String
    public let type: GGMLType
    /// Dimensions, fastest-varying first: a `[576, 49152]` tensor has 49,152 rows of 576 values.
    public let dims: [Int]
    /// Offset from the start of the data section.
    public let offset: Int
    public let data: UnsafeRawPointer
    public let byteCount: Int

    public var elementCount: Int { dims.reduce(1, *) }
    /// Values per row (ne0).
    public var columns: Int { dims.first ?? 1 }
    /// Rows: the product of every dimension but the first.
    public var rows: Int { dims.dropFirst().reduce(1, *) }
}
