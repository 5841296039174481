import Foundation

/// BERT's text normalisation and pre-tokenisation, as HF `tokenizers`' `BertNormalizer` + `BertPreTokenizer`.
///
/// Steps, in the reference order: drop control characters and map whitespace to a space, surround CJK
/// ideographs with spaces, strip accents (NFD, then drop non-spacing marks), lower-case; then split on
/// whitespace and isolate every punctuation character as its own word.
public struct BertBasicTokenizer: Sendable {
    /// Drop control characters, U+0000 and U+FFFD; map whitespace to a space.
    public var cleanText: Bool
    /// Surround CJK ideographs with spaces so that each becomes a word.
    public var handleChineseChars: Bool
    /// NFD then drop non-spacing marks (Mn).
    public var stripAccents: Bool
    /// Per-scalar full lower-case mapping (no context rules, like Rust's `char::to_lowercase`).
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool = true,
                lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// The normalised scalars of `text`.
    public func normalize(_ text: Substring) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count + 8)
        var ascii = true
        for s in text.unicodeScalars {
            let v = s.value
            if v < 0x80 {
                if cleanText {
                    if v == 0x09 || v == 0x0A || v == 0x0D { out.append(" "); continue }
                    if v < 0x20 || v == 0x7F { continue }
                }
                out.append(s)
                continue
            }
            if cleanText {
                if v == 0xFFFD || BertCharacterClass.isControl(s) { continue }
                if BertCharacterClass.isWhitespace(s) { out.append(" "); continue }
            }
            if handleChineseChars && BertCharacterClass.isChinese(s) {
                out.append(" "); out.append(s); out.append(" ")
                ascii = false
                continue
            }
            ascii = false
            out.append(s)
        }
        if ascii {
            if lowercase {
                for i in out.indices where out[i].value >= 0x41 && out[i].value <= 0x5A {
                    out[i] = Unicode.Scalar(out[i].value + 32)!
                }
            }
            return out
        }
        if stripAccents {
            let source = out
            out.removeAll(keepingCapacity: true)
            // The reference's NFD predates U+11938's decomposition (Unicode 13): keep it whole.
            var runStart = 0
            for i in 0...source.count where i == source.count || source[i].value == 0x11938 {
                if runStart < i {
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: source[runStart..<i])
                    let nfd = String(view).decomposedStringWithCanonicalMapping
                    for s in nfd.unicodeScalars where !BertCharacterClass.isNonspacingMark(s) { out.append(s) }
                }
                if i < source.count { out.append(source[i]) }
                runStart = i + 1
            }
        }
        if lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(out.count)
            for s in out {
                if s.value < 0x80 {
                    lowered.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32)! : s)
                } else if s.properties.changesWhenLowercased {
                    lowered.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                } else {
                    lowered.append(s)
                }
            }
            out = lowered
        }
        return out
    }

    /// Splits normalised scalars into words: whitespace separates, punctuation stands alone.
    /// Calls `body` with each word's scalars.
    public func forEachWord(in scalars: [Unicode.Scalar], _ body: (ArraySlice<Unicode.Scalar>) -> Void) {
        var start = 0
        var i = 0
        let n = scalars.count
        while i < n {
            let s = scalars[i]
            if BertCharacterClass.isWhitespace(s) {
                if start < i { body(scalars[start..<i]) }
                start = i + 1
            } else if BertCharacterClass.isPunctuation(s) {
                if start < i { body(scalars[start..<i]) }
                body(scalars[i...i])
                start = i + 1
            }
            i += 1
        }
        if start < n { body(scalars[start..<n]) }
    }
}

/// Character classes as BERT (and HF `tokenizers`) define them.
enum BertCharacterClass {
    /// Unicode White_Space, plus tab, newline and carriage return.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return s.properties.isWhitespace
    }

    /// Cc, Cf, Co or Cs in the reference's tables, except tab, newline and carriage return.
    @inline(__always)
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        contains(BertCharacterTables.control, s.value)
    }

    /// ASCII punctuation or general category P* in the reference's tables.
    @inline(__always)
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60)
                || (v >= 0x7B && v <= 0x7E)
        }
        return contains(BertCharacterTables.punctuation, v)
    }

    /// Mn in the reference's tables.
    @inline(__always)
    static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && contains(BertCharacterTables.nonspacingMark, s.value)
    }

    /// Binary search in sorted, disjoint ranges.
    static func contains(_ table: [ClosedRange<UInt32>], _ v: UInt32) -> Bool {
        var lo = 0
        var hi = table.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let r = table[mid]
            if v < r.lowerBound { hi = mid } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// The CJK ideograph blocks BERT isolates (not Hangul, Hiragana or Katakana).
    @inline(__always)
    static func isChinese(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
