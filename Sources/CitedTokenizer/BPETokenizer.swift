/// Byte-level BPE (GPT-2 style) with special tokens matched first, as llama.cpp tokenizes GGUF vocabularies.
public final class BPETokenizer: @unchecked Sendable {
    /// Token kinds as stored in `tokenizer.ggml.token_type`.
    public enum TokenKind: Int, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public let pre: BPEPreTokenizer
    /// Token texts in byte-level form (`Ġ` for a space).
    public let tokens: [String]
    public let kinds: [TokenKind]
    public let bos: Int32?
    public let eos: Int32?
    /// Whether a BOS token starts every tokenized prompt (`tokenizer.ggml.add_bos_token`).
    public let addBOS: Bool
    /// Extra end-of-generation tokens (`<|im_end|>`, `<|endoftext|>`…).
    public let endOfGeneration: Set<Int32>

    private let ids: [String: Int32]
    private let ranks: [String: Int32]
    /// Special and user-defined tokens, longest first: (UTF-8 bytes, id).
    private let specials: [([UInt8], Int32)]
    /// Byte value → its printable stand-in, and back.
    private let byteToChar: [Character]
    private let charToByte: [Unicode.Scalar: UInt8]
    /// Per token: the bytes it decodes to (special tokens: their text).
    private let pieces: [[UInt8]]

    /// Builds a tokenizer from vocabulary arrays (as read from GGUF metadata).
    public init(tokens: [String], kinds: [Int], merges: [String], pre: BPEPreTokenizer,
                bos: Int32?, eos: Int32?, addBOS: Bool) {
        self.tokens = tokens
        self.pre = pre
        self.bos = bos
        self.eos = eos
        self.addBOS = addBOS
        self.kinds = kinds.map { TokenKind(rawValue: $0) ?? .normal }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = Int32(i) }
        self.ids = ids
        var ranks: [String: Int32] = [:]
        ranks.reserveCapacity(merges.count)
        for (i, m) in merges.enumerated() where ranks[m] == nil { ranks[m] = Int32(i) }
        self.ranks = ranks
        let table = Self.byteTable()
        byteToChar = table.map { Character($0) }
        var back: [Unicode.Scalar: UInt8] = [:]
        for (b, u) in table.enumerated() { back[u] = UInt8(b) }
        charToByte = back
        var sp: [([UInt8], Int32)] = []
        for (i, k) in self.kinds.enumerated() where k == .control || k == .userDefined || k == .unknown {
            if !tokens[i].isEmpty { sp.append((Array(tokens[i].utf8), Int32(i))) }
        }
        sp.sort { $0.0.count > $1.0.count }
        specials = sp
        pieces = zip(tokens, self.kinds).map { text, kind in
            switch kind {
            case .normal, .undefined, .byte:
                var out: [UInt8] = []
                for u in text.unicodeScalars {
                    if let b = back[u] { out.append(b) } else { out.append(contentsOf: Array(String(u).utf8)) }
                }
                return out
            default: return Array(text.utf8)
            }
        }
        var eog = Set<Int32>()
        if let eos { eog.insert(eos) }
        for name in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end|>", "<end_of_turn>"] {
            if let id = ids[name], self.kinds[Int(id)] == .control { eog.insert(id) }
        }
        endOfGeneration = eog
    }

    /// The GPT-2 byte-to-Unicode table: printable bytes map to themselves, the rest to U+0100 onward.
    static func byteTable() -> [Unicode.Scalar] {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(256 + n)!
                n += 1
            }
        }
        return table
    }

    public var vocabularySize: Int { tokens.count }

    /// The id of a token text (byte-level form), if present.
    public func id(of token: String) -> Int32? { ids[token] }

    /// Token ids for `text`: special-token text recognised when `parseSpecial`, BOS added if asked and the
    /// vocabulary wants it (llama.cpp's `add_special`).
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = true) -> [Int32] {
        var out: [Int32] = []
        if addSpecial && addBOS, let bos { out.append(bos) }
        for fragment in partition(Array(text.utf8), parseSpecial: parseSpecial) {
            switch fragment {
            case .token(let id): out.append(id)
            case .text(let bytes): encodeOrdinary(bytes, into: &out)
            }
        }
        return out
    }

    private enum Fragment {
        case text(ArraySlice<UInt8>)
        case token(Int32)
    }

    /// Splits the text around special tokens, longest token first (llama.cpp's `tokenizer_st_partition`).
    private func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var fragments: [Fragment] = bytes.isEmpty ? [] : [.text(bytes[...])]
        for (special, id) in specials {
            if !parseSpecial && kinds[Int(id)] != .userDefined { continue }
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count)
            for fragment in fragments {
                guard case .text(let slice) = fragment else { next.append(fragment); continue }
                var start = slice.startIndex
                var i = slice.startIndex
                let first = special[0]
                while i + special.count <= slice.endIndex {
                    if slice[i] == first && slice[i..<(i + special.count)].elementsEqual(special) {
                        if i > start { next.append(.text(slice[start..<i])) }
                        next.append(.token(id))
                        i += special.count
                        start = i
                    } else {
                        i += 1
                    }
                }
                if start < slice.endIndex { next.append(.text(slice[start..<slice.endIndex])) }
            }
            fragments = next
        }
        return fragments
    }

    /// BPE over ordinary text (no special tokens).
    private func encodeOrdinary(_ bytes: ArraySlice<UInt8>, into out: inout [Int32]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let scalars = Array(text.unicodeScalars)
        var start = 0
        for end in pre.split(scalars) {
            var word: [UInt8] = []
            for u in scalars[start..<end] { word.append(contentsOf: Array(String(u).utf8)) }
            start = end
            bpe(word, into: &out)
        }
    }

    /// Merges one pre-tokenized word by rank, lowest rank and leftmost first.
    private func bpe(_ word: [UInt8], into out: inout [Int32]) {
        var symbols = word.map { String(byteToChar[Int($0)]) }
        if symbols.count > 1 {
            var pairRanks = (0..<(symbols.count - 1)).map { rank(symbols[$0], symbols[$0 + 1]) }
            while true {
                var best = Int32.max
                var at = -1
                for (i, r) in pairRanks.enumerated() where r < best { best = r; at = i }
                if at < 0 { break }
                symbols[at] += symbols[at + 1]
                symbols.remove(at: at + 1)
                pairRanks.remove(at: at)
                if at < pairRanks.count { pairRanks[at] = rank(symbols[at], symbols[at + 1]) }
                if at > 0 { pairRanks[at - 1] = rank(symbols[at - 1], symbols[at]) }
            }
        }
        for s in symbols {
            if let id = ids[s] {
                out.append(id)
            } else {
                for u in s.unicodeScalars {  // unknown merge result: fall back to byte tokens
                    if let id = ids[String(u)] { out.append(id) }
                }
            }
        }
    }

    private func rank(_ a: String, _ b: String) -> Int32 { ranks[a + " " + b] ?? Int32.max }

    /// The bytes a token stands for; control tokens give their text only when `special` is set.
    public func bytes(of id: Int32, special: Bool = false) -> [UInt8] {
        guard id >= 0, Int(id) < pieces.count else { return [] }
        switch kinds[Int(id)] {
        case .control, .unknown: return special ? pieces[Int(id)] : []
        default: return pieces[Int(id)]
        }
    }

    /// Decodes ids to text (invalid UTF-8 replaced), special tokens rendered when `special` is set.
    public func decode(_ ids: [Int32], special: Bool = false) -> String {
        var b: [UInt8] = []
        for id in ids { b.append(contentsOf: bytes(of: id, special: special)) }
        return String(decoding: b, as: UTF8.self)
    }
}

/// Turns a stream of token ids into text, emitting only whole UTF-8 characters.
public struct StreamingDecoder {
    private var pending: [UInt8] = []
    private let tokenizer: BPETokenizer
    private let special: Bool

    public init(tokenizer: BPETokenizer, special: Bool = false) {
        self.tokenizer = tokenizer
        self.special = special
    }

    /// Appends a token and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.bytes(of: id, special: special))
        let complete = Self.completePrefix(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever bytes remain, decoded with replacement characters.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix that does not end inside a UTF-8 sequence.
    static func completePrefix(_ b: [UInt8]) -> Int {
        var i = b.count
        var back = 0
        while i > 0 && back < 4 {
            let c = b[i - 1]
            if c & 0xC0 == 0x80 { i -= 1; back += 1; continue }
            let need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            return need == back + 1 ? b.count : (need == 1 ? b.count : i - 1)
        }
        return back >= 4 ? b.count : i
    }
}
