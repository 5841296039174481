import CLibXML2
import CitedCore
import Foundation

/// Reading files as bytes (gzip through libxml2's zlib input) and as validated UTF-8 text.
enum FileText {
    /// The longest line accepted in a text file.
    static let maxLineBytes = 1 << 20
    /// Most lines a streamed file may have (the longest man pages have tens of thousands; a decompressed page of
    /// blank lines stops here, not after billions of them).
    static let maxLines = 1 << 22
    /// Largest file (after decompression) of a format read whole (Markdown, reST, LaTeX, HTML): the parsers hold
    /// the bytes, the text, its lines and the blocks at once, about 5× this in memory. Sphinx's largest pages
    /// are a few MB; a 500 MB single line or a 1 GB comment-only file stops here, before it is read.
    static let maxWholeFileBytes = 32 << 20

    /// The file's bytes, gunzipped (within `limits`) when the name ends in `.gz`; only regular files are read,
    /// and at most `maxBytes` of them (else `IngestError.tooLarge`, before the file is read).
    static func bytes(path: String, displayPath: String, limits: ExpansionLimits = ExpansionLimits(),
                      maxBytes: Int = maxWholeFileBytes) throws -> [UInt8] {
        let input = try LimitedInput(path: path, displayPath: displayPath, limits: limits)
        let tooLarge = IngestError.tooLarge(path: displayPath, reason: "more than \(maxBytes) bytes "
            + "(the limit for a file read whole)")
        if !path.hasSuffix(".gz") {
            guard input.fileSize <= Int64(maxBytes) else { throw tooLarge }
            // Not `FileManager.contents(atPath:)`: it leaks a 4 KB buffer per empty file (found by fuzz-markdown).
            do { return try RegularFile.contents(path, maxBytes: maxBytes) } catch let failure as RegularFile.Failure {
                if failure.reason.hasPrefix("larger than") { throw tooLarge }  // grew since the check
                throw IngestError.unreadable(path: displayPath, reason: failure.reason)
            }
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { break }
            guard out.count + count <= maxBytes else { throw tooLarge }
            out.append(contentsOf: chunk[0..<count])
        }
        return out
    }

    /// Streams the file's lines (without terminators) to `body` with their 1-based numbers, gunzipping on the fly
    /// within `limits`: memory stays bounded by the longest line. Checks what `text` checks, as it goes: no NUL,
    /// UTF-8, lines of at most `maxLineBytes`, not empty; a leading byte-order mark is dropped.
    /// `body` returns false to stop early.
    static func forEachLine(path: String, displayPath: String, limits: ExpansionLimits = ExpansionLimits(),
                            _ body: (String, Int) throws -> Bool) throws {
        let input = try LimitedInput(path: path, displayPath: displayPath, limits: limits)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var line: [UInt8] = []
        var number = 1
        var sawText = false
        func emit() throws -> Bool {
            defer { number += 1 }
            if number > maxLines {
                throw IngestError.tooLarge(path: displayPath, reason: "more than \(maxLines) lines")
            }
            if line.isEmpty { return try body("", number) }  // blank lines are most of a padded page: no decoding
            if line.last == 0x0d { line.removeLast() }
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw IngestError.notUTF8(path: displayPath, line: number)
            }
            line.removeAll(keepingCapacity: line.count <= 1 << 16)
            return try body(text, number)
        }
        reading: while true {
            let count = try chunk.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { break }
            let stop = try chunk.withUnsafeBytes { raw -> Bool in
                let base = raw.baseAddress!
                if memchr(base, 0, count) != nil { throw IngestError.binary(path: displayPath) }
                var start = 0
                while start < count {
                    // The next line end in this chunk (memchr), or the chunk's end.
                    let found = memchr(base + start, 0x0a, count - start)
                    let end = found.map { UnsafeRawPointer($0) - base } ?? count
                    if end > start {
                        let segment = UnsafeRawBufferPointer(start: base + start, count: end - start)
                        if !sawText { sawText = segment.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0d } }
                        line.append(contentsOf: segment)
                        if line.count > maxLineBytes {
                            throw IngestError.lineTooLong(path: displayPath, line: number, length: line.count)
                        }
                    }
                    guard found != nil else { break }
                    if !(try emit()) { return true }
                    start = end + 1
                }
                return false
            }
            if stop { break reading }
        }
        if !line.isEmpty { _ = try emit() }
        if !sawText { throw IngestError.empty(path: displayPath) }
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
                if line >= maxLines {
                    throw IngestError.tooLarge(path: displayPath, reason: "more than \(maxLines) lines")
                }
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
