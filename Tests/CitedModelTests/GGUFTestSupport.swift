import CitedCore
import Foundation
import Testing
@testable import CitedModel

/// The cached model file for `name`; records a clear failure if it is missing (CI fetches models first).
func cachedModel(_ name: String) -> URL? {
    do {
        return try LanguageModelLocator.resolve(name)
    } catch {
        Issue.record("model \(name) is missing from \(CitedHome().models.path): \(error)")
        return nil
    }
}

/// Writes small GGUF files for reader tests.
struct GGUFWriter {
    var version: UInt32 = 3
    var alignment = 32
    var kv: [(String, UInt32, [UInt8])] = []
    var tensors: [(String, [UInt64], UInt32, [UInt8])] = []

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func str(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    mutating func add(_ key: String, type: UInt32, _ payload: [UInt8]) { kv.append((key, type, payload)) }

    func bytes() -> [UInt8] {
        var out: [UInt8] = Self.le(UInt32(0x4655_4747)) + Self.le(version)
        out += Self.le(UInt64(tensors.count)) + Self.le(UInt64(kv.count))
        for (k, t, p) in kv { out += Self.str(k) + Self.le(t) + p }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset += (t.3.count + alignment - 1) / alignment * alignment
        }
        for (i, t) in tensors.enumerated() {
            out += Self.str(t.0) + Self.le(UInt32(t.1.count))
            for d in t.1 { out += Self.le(d) }
            out += Self.le(t.2) + Self.le(UInt64(offsets[i]))
        }
        while out.count % alignment != 0 { out.append(0) }
        for t in tensors {
            out += t.3
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    func write(_ name: String = UUID().uuidString + ".gguf") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try Data(bytes()).write(to: url)
        return url
    }
}
