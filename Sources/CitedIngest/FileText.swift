import CLibXML2
import CitedCore
import Foundation

/// Reading files as bytes (gzip through libxml2's zlib input) and as validated UTF-8 text.
enum FileText {
    /// The longest line accepted in a text file.
    static let maxLineBytes = 1 << 20

    /// The file's bytes, gunzipped when the name ends in `.gz`.
    static func bytes(path: String, displayPath: String) throws -> [UInt8] {
        if !path.hasSuffix(".gz") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IngestError.unreadable(path: displayPath, reason: "cannot open")
            }
            return [UInt8](data)
        }
        guard let input = xmlParserInputBufferCreateFilename(path, XML_CHAR_ENCODING_NONE) else {
            throw IngestError.unreadable(path: displayPath, reason: "cannot open")
        }
        defer { xmlFreeParserInputBuffer(input) }
        guard let read = input.pointee.readcallback else {
            throw IngestError.unreadable(path: displayPath, reason: "no reader for this file")
        }
        var out: [UInt8] = []
        var chunk = [CChar](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBufferPointer { read(input.pointee.context, $0.baseAddress, Int32($0.count)) }
            if count < 0 { throw IngestError.unreadable(path: displayPath, reason: "corrupt or truncated gzip data") }
            if count == 0 { break }
            out.append(contentsOf: chunk[0..<Int(count)].lazy.map { UInt8(bitPattern: $0) })
        }
        return out
    }

    /// Decodes text after the checks every text format needs: not empty, no NUL, UTF-8, bounded lines.
    static func text(_ bytes: [UInt8], displayPath: String) throws -> String {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            throw IngestError.empty(path: displayPath)
        }
        var line = 1
        var lineStart = 0
        for (i, byte) in bytes.enumerated() {
            if byte == 0 { throw IngestError.binary(path: displayPath) }
            if byte == 0x0a {
                if i - lineStart > maxLineBytes {
                    throw IngestError.lineTooLong(path: displayPath, line: line, length: i - lineStart)
                }
                line += 1
                lineStart = i + 1
            }
        }
        if bytes.count - lineStart > maxLineBytes {
            throw IngestError.lineTooLong(path: displayPath, line: line, length: bytes.count - lineStart)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw IngestError.notUTF8(path: displayPath, line: firstInvalidLine(bytes))
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    /// The line holding the first byte sequence that is not UTF-8.
    private static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            if b < 0x80 { length = 1 } else if b >> 5 == 0x6 { length = 2 } else if b >> 4 == 0xe { length = 3 }
            else if b >> 3 == 0x1e { length = 4 } else { return line }
            if i + length > bytes.count { return line }
            for j in 1..<length where bytes[i + j] >> 6 != 0x2 { return line }
            if b == 0x0a { line += 1 }
            i += length
        }
        return line
    }

    /// SHA-256 of the file's raw bytes, streamed.
    static func sha256(path: String, displayPath: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError.unreadable(path: displayPath, reason: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw IngestError.unreadable(path: displayPath, reason: error.localizedDescription)
            }
            if data.isEmpty { break }
            data.withUnsafeBytes { hasher.update(buffer: $0) }
        }
        return hasher.finalizeHex()
    }
}
