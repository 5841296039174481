/// The pre-tokenizer splits of byte-level BPE vocabularies, as hand-written Unicode-category scanners.
///
/// They reproduce llama.cpp's splitting for `tokenizer.ggml.pre` = `qwen2` and the gpt-2 family
/// (`smollm`, `starcoder`: digits isolated first, then the gpt-2 pattern).
public enum BPEPreTokenizer: String, Sendable {
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case qwen2
    /// `\p{N}` isolated, then `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`.
    case smollm
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`.
    case gpt2

    /// The scanner for a GGUF `tokenizer.ggml.pre` name, or nil if Cited does not know it.
    public init?(ggufName: String) {
        switch ggufName {
        case "qwen2", "deepseek-r1-qwen": self = .qwen2
        case "smollm", "starcoder", "refact", "codeshell", "command-r": self = .smollm
        case "gpt-2", "gpt2", "default", "mpt", "olmo": self = .gpt2
        default: return nil
        }
    }

    /// Splits `scalars` into words; returns the end index (exclusive) of each word.
    public func split(_ scalars: [Unicode.Scalar]) -> [Int] {
        let flags = scalars.map(CharClass.init)
        var ends: [Int] = []
        ends.reserveCapacity(scalars.count / 3 + 1)
        switch self {
        case .qwen2:
            Self.scanQwen2(scalars, flags, 0, scalars.count, &ends)
        case .gpt2:
            Self.scanGPT2(scalars, flags, 0, scalars.count, &ends)
        case .smollm:
            var start = 0
            for i in 0..<scalars.count where flags[i].contains(.number) {
                if i > start { Self.scanGPT2(scalars, flags, start, i, &ends) }
                ends.append(i + 1)
                start = i + 1
            }
            if start < scalars.count { Self.scanGPT2(scalars, flags, start, scalars.count, &ends) }
        }
        return ends
    }

    /// Length (2 or 3) of a contraction `'s`, `'re`… at `pos`, or 0.
    private static func contraction(_ s: [Unicode.Scalar], _ pos: Int, _ end: Int, caseInsensitive: Bool) -> Int {
        guard s[pos] == "'", pos + 1 < end else { return 0 }
        func low(_ u: Unicode.Scalar) -> UInt32 {
            let v = u.value
            return caseInsensitive && v >= 65 && v <= 90 ? v + 32 : v
        }
        let n = low(s[pos + 1])
        if n == 115 || n == 116 || n == 109 || n == 100 { return 2 }  // s t m d
        guard pos + 2 < end else { return 0 }
        let nn = low(s[pos + 2])
        if (n == 114 && nn == 101) || (n == 118 && nn == 101) || (n == 108 && nn == 108) { return 3 }  // re ve ll
        return 0
    }

    private static func scanGPT2(_ s: [Unicode.Scalar], _ f: [CharClass], _ lo: Int, _ hi: Int, _ ends: inout [Int]) {
        @inline(__always) func flag(_ i: Int) -> CharClass { i < hi ? f[i] : .outOfRange }
        var pos = lo
        while pos < hi {
            let c = s[pos]
            let k = contraction(s, pos, hi, caseInsensitive: false)
            if k > 0 { pos += k; ends.append(pos); continue }
            var f2 = c == " " ? flag(pos + 1) : f[pos]
            if f2.contains(.letter) {
                if c == " " { pos += 1 }
                while f2.contains(.letter) { pos += 1; f2 = flag(pos) }
                ends.append(pos); continue
            }
            if f2.contains(.number) {
                if c == " " { pos += 1 }
                while f2.contains(.number) { pos += 1; f2 = flag(pos) }
                ends.append(pos); continue
            }
            if f2.isOther {
                if c == " " { pos += 1 }
                while f2.isOther { pos += 1; f2 = flag(pos) }
                ends.append(pos); continue
            }
            var n = 0
            while flag(pos + n).contains(.whitespace) { n += 1 }
            if n > 1 && pos + n < hi { pos += n - 1; ends.append(pos); continue }
            if n > 0 { pos += n; ends.append(pos); continue }
            pos += 1
            ends.append(pos)
        }
    }

    private static func scanQwen2(_ s: [Unicode.Scalar], _ f: [CharClass], _ lo: Int, _ hi: Int, _ ends: inout [Int]) {
        @inline(__always) func flag(_ i: Int) -> CharClass { i < hi ? f[i] : .outOfRange }
        @inline(__always) func isCRLF(_ i: Int) -> Bool { i < hi && (s[i] == "\r" || s[i] == "\n") }
        var pos = lo
        while pos < hi {
            let c = s[pos]
            let fc = f[pos]
            let k = contraction(s, pos, hi, caseInsensitive: true)
            if k > 0 { pos += k; ends.append(pos); continue }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == "\r" || c == "\n" || fc.contains(.number)) {
                if fc.contains(.letter) || flag(pos + 1).contains(.letter) {
                    pos += 1
                    while flag(pos).contains(.letter) { pos += 1 }
                    ends.append(pos); continue
                }
            }
            // \p{N}
            if fc.contains(.number) { pos += 1; ends.append(pos); continue }
            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            var f2 = c == " " ? flag(pos + 1) : fc
            if f2.isOtherOrEmpty {
                if c == " " { pos += 1 }
                while f2.isOther { pos += 1; f2 = flag(pos) }
                while isCRLF(pos) { pos += 1 }
                ends.append(pos); continue
            }
            var n = 0
            var lastCRLF = 0
            while flag(pos + n).contains(.whitespace) {
                if isCRLF(pos + n) { lastCRLF = pos + n + 1 }
                n += 1
            }
            if lastCRLF > 0 { pos = lastCRLF; ends.append(pos); continue }
            if n > 1 && pos + n < hi { pos += n - 1; ends.append(pos); continue }
            if n > 0 { pos += n; ends.append(pos); continue }
            pos += 1
            ends.append(pos)
        }
    }
}

/// The Unicode classes the pre-tokenizers look at (llama.cpp's flags: `\p{L}`, `\p{N}`, `\s`).
struct CharClass: OptionSet {
    let rawValue: UInt8
    static let letter = CharClass(rawValue: 1)
    static let number = CharClass(rawValue: 2)
    static let whitespace = CharClass(rawValue: 4)
    /// Any code point inside the current chunk (llama.cpp's non-zero flags).
    static let present = CharClass(rawValue: 8)
    static let outOfRange = CharClass([])

    /// Present and neither whitespace, letter nor number: `[^\s\p{L}\p{N}]`.
    var isOther: Bool { self == .present }
    /// Neither whitespace, letter nor number, present or not (qwen2's quirk when a space ends a chunk).
    var isOtherOrEmpty: Bool { intersection([.letter, .number, .whitespace]).isEmpty }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ u: Unicode.Scalar) {
        var r: CharClass = .present
        let v = u.value
        if v < 128 {
            if (v >= 65 && v <= 90) || (v >= 97 && v <= 122) { r.insert(.letter) }
            else if v >= 48 && v <= 57 { r.insert(.number) }
            else if (v >= 9 && v <= 13) || v == 32 { r.insert(.whitespace) }
            self = r
            return
        }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            r.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            r.insert(.number)
        default: break
        }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: r.insert(.whitespace)
        default: break
        }
        self = r
    }
}
