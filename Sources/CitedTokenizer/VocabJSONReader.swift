import Foundation

/// Reads `model.vocab` of a Hugging Face `tokenizer.json` (a flat object of token → id) straight from the
/// bytes, walking past every other value without building it: decoding the 30k-entry object with Codable
/// cost most of the embedder's load.
enum VocabJSONReader {
    /// `model.vocab` as (token, id) pairs in file order, and the byte range of that object in `data`; nil when the
    /// file has no such object or is malformed.
    static func vocab(in data: Data) -> (pairs: [(String, Int)], range: Range<Int>)? {
        data.withUnsafeBytes { raw -> ([(String, Int)], Range<Int>)? in
            var cursor = Cursor(bytes: raw.bindMemory(to: UInt8.self))
            guard let found = try? cursor.topLevelVocab() else { return nil }
            return found
        }
    }

    /// `data` with `model.vocab` emptied (`{}`), for decoding the rest without scanning 30k entries.
    static func withoutVocab(_ data: Data, range: Range<Int>) -> Data {
        var trimmed = data
        trimmed.replaceSubrange(range, with: Data("{}".utf8))
        return trimmed
    }

    struct Malformed: Error {}

    /// A position in the JSON text; each method consumes one syntactic element.
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func topLevelVocab() throws -> ([(String, Int)], Range<Int>)? {
            var found: ([(String, Int)], Range<Int>)?
            try members { key, cursor in
                if key == "model" {
                    try cursor.members { key, cursor in
                        if key == "vocab" {
                            let start = cursor.at
                            let pairs = try cursor.stringToIntObject()
                            found = (pairs, start..<cursor.at)
                        } else {
                            try cursor.skipValue()
                        }
                    }
                } else {
                    try cursor.skipValue()
                }
            }
            return found
        }

        /// Calls `body` for each key of an object, with the cursor on the key's value; `body` must consume it.
        mutating func members(_ body: (String, inout Cursor) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if peek() == UInt8(ascii: "}") { at += 1; return }
            while true {
                let key = try string()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                try body(key, &self)
                skipSpace()
                let c = try next()
                if c == UInt8(ascii: "}") { return }
                guard c == UInt8(ascii: ",") else { throw Malformed() }
                skipSpace()
            }
        }

        mutating func stringToIntObject() throws -> [(String, Int)] {
            var pairs: [(String, Int)] = []
            pairs.reserveCapacity(32768)
            try members { key, cursor in pairs.append((key, try cursor.integer())) }
            return pairs
        }

        mutating func integer() throws -> Int {
            var negative = false
            if peek() == UInt8(ascii: "-") { negative = true; at += 1 }
            var value = 0, digits = 0
            while let c = peek(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                digits += 1
                at += 1
            }
            guard digits > 0, digits < 19 else { throw Malformed() }
            if let c = peek(), c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { throw Malformed() }
            return negative ? -value : value
        }

        /// A JSON string (the cursor on its opening quote), escapes decoded.
        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count else { throw Malformed() }
            if bytes[at] == UInt8(ascii: "\"") {
                at += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)]), as: UTF8.self)
            }
            var out = Array(bytes[start..<at])
            while true {
                let c = try next()
                if c == UInt8(ascii: "\"") { break }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                let e = try next()
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") else { throw Malformed() }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw Malformed() }
                    out.append(contentsOf: UTF8.encode(s)!)
                default: throw Malformed()
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = try next()
                guard let d = Int(String(UnicodeScalar(c)), radix: 16) else { throw Malformed() }
                v = v << 4 | UInt32(d)
            }
            return v
        }

        /// Steps over any value: strings with their escapes, nested objects and arrays, numbers and literals.
        mutating func skipValue() throws {
            skipSpace()
            guard let c = peek() else { throw Malformed() }
            if c == UInt8(ascii: "\"") { _ = try skipString(); return }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                var depth = 0
                repeat {
                    let d = try next()
                    if d == UInt8(ascii: "\"") { at -= 1; try skipString() }
                    else if d == UInt8(ascii: "{") || d == UInt8(ascii: "[") { depth += 1 }
                    else if d == UInt8(ascii: "}") || d == UInt8(ascii: "]") { depth -= 1 }
                } while depth > 0
                return
            }
            while let d = peek(), d != UInt8(ascii: ","), d != UInt8(ascii: "}"), d != UInt8(ascii: "]"),
                  !Self.isSpace(d) { at += 1 }
        }

        mutating func skipString() throws {
            try expect(UInt8(ascii: "\""))
            while true {
                let c = try next()
                if c == UInt8(ascii: "\"") { return }
                if c == UInt8(ascii: "\\") { at += 1 }
            }
        }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

        mutating func skipSpace() { while let c = peek(), Self.isSpace(c) { at += 1 } }

        func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func next() throws -> UInt8 {
            guard at < bytes.count else { throw Malformed() }
            at += 1
            return bytes[at - 1]
        }

        mutating func expect(_ c: UInt8) throws {
            skipSpace()
            guard try next() == c else { throw Malformed() }
        }
    }
}
