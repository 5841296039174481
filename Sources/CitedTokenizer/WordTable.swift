/// The vocabulary's word-initial tokens by their bytes. When a whole word is a token, WordPiece's greedy
/// longest match takes exactly that token; one probe here answers it, where the trie takes one memory access
/// per byte. Two thirds of the words of running English text are whole tokens, and most are short.
///
/// Tokens of up to 8 bytes are stored as one integer each (their bytes, little-endian, zero-padded), so a
/// probe is one multiply and one compare in a small table; longer tokens sit in a second table and are
/// compared byte by byte.
struct WordTable: Sendable {
    /// A token longer than 8 bytes: where its bytes start in `longBytes`; `length` 0 marks an empty slot.
    private struct LongEntry {
        var hash: UInt64
        var offset: Int32
        var length: Int32
        var id: Int32
    }

    /// Short tokens as integers (0 marks an empty slot) and their ids, slot for slot.
    private let shortKeys: [UInt64]
    private let shortIDs: [Int32]
    private let shortShift: UInt64
    private let long: [LongEntry]
    private let longBytes: [UInt8]
    private let longShift: UInt64

    /// Indexes the tokens that do not start with `continuingPrefix`; the first id wins, as in the trie.
    init(tokens: [String], continuingPrefix: String) {
        let prefix = Array(continuingPrefix.utf8)
        var short: [(key: UInt64, id: Int32)] = []
        var longTokens: [(bytes: [UInt8], id: Int32)] = []
        short.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            var token = token
            token.withUTF8 { bytes in
                if bytes.isEmpty || (bytes.count > prefix.count && bytes.starts(with: prefix)) { return }
                if bytes.count <= 8 {
                    // A NUL byte would make the integer ambiguous: such a token is left to the trie.
                    if let key = Self.shortKey(bytes, lowercasing: false) { short.append((key, Int32(id))) }
                } else {
                    longTokens.append((Array(bytes), Int32(id)))
                }
            }
        }

        // Repeated spellings: the table keeps the first id (entries arrive in id order).
        let shortBits = Self.bits(for: short.count)
        var shortKeys = [UInt64](repeating: 0, count: 1 << shortBits)
        var shortIDs = [Int32](repeating: -1, count: 1 << shortBits)
        for (key, id) in short {
            var slot = Self.slot(key, 64 - shortBits)
            while shortKeys[slot] != 0 && shortKeys[slot] != key { slot = (slot + 1) & (shortKeys.count - 1) }
            if shortKeys[slot] == key { continue }
            shortKeys[slot] = key
            shortIDs[slot] = id
        }

        let longBits = Self.bits(for: longTokens.count)
        var long = [LongEntry](repeating: LongEntry(hash: 0, offset: 0, length: 0, id: -1), count: 1 << longBits)
        var longBytes: [UInt8] = []
        insertion: for (bytes, id) in longTokens {
            let hash = bytes.withUnsafeBufferPointer { Self.hash($0, lowercasing: false) }
            var slot = Self.slot(hash, 64 - longBits)
            while long[slot].length != 0 {
                let e = long[slot]
                if e.hash == hash && Int(e.length) == bytes.count
                    && longBytes[Int(e.offset)..<(Int(e.offset) + bytes.count)].elementsEqual(bytes) { continue insertion }
                slot = (slot + 1) & (long.count - 1)
            }
            long[slot] = LongEntry(hash: hash, offset: Int32(longBytes.count), length: Int32(bytes.count), id: id)
            longBytes += bytes
        }

        self.shortKeys = shortKeys
        self.shortIDs = shortIDs
        self.shortShift = 64 - shortBits
        self.long = long
        self.longBytes = longBytes
        self.longShift = 64 - longBits
    }

    /// The id of the token spelled exactly `word` (A–Z read as a–z if `lowercasing`), if any.
    @inline(__always)
    func id(of word: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> Int32? {
        if word.count <= 8 {
            guard let key = Self.shortKey(word, lowercasing: lowercasing) else { return nil }
            var slot = Self.slot(key, shortShift)
            while true {
                let found = shortKeys[slot]
                if found == key { return shortIDs[slot] }
                if found == 0 { return nil }
                slot = (slot + 1) & (shortKeys.count - 1)
            }
        }
        let hash = Self.hash(word, lowercasing: lowercasing)
        var slot = Self.slot(hash, longShift)
        while true {
            let entry = long[slot]
            if entry.length == 0 { return nil }
            if entry.hash == hash && Int(entry.length) == word.count && matches(entry, word, lowercasing) {
                return entry.id
            }
            slot = (slot + 1) & (long.count - 1)
        }
    }

    private func matches(_ entry: LongEntry, _ word: UnsafeBufferPointer<UInt8>, _ lowercasing: Bool) -> Bool {
        for i in 0..<word.count where longBytes[Int(entry.offset) + i] != Self.byte(word[i], lowercasing) {
            return false
        }
        return true
    }

    /// Slots for `count` keys, at most half full: log2 of the table size.
    private static func bits(for count: Int) -> UInt64 {
        var bits: UInt64 = 4
        while (1 << bits) < count * 2 { bits += 1 }
        return bits
    }

    @inline(__always)
    private static func byte(_ byte: UInt8, _ lowercasing: Bool) -> UInt8 {
        lowercasing && byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Up to 8 bytes as a little-endian integer, zero-padded; nil if one is NUL.
    @inline(__always)
    private static func shortKey(_ word: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> UInt64? {
        var key: UInt64 = 0
        for i in 0..<word.count {
            let b = byte(word[i], lowercasing)
            if b == 0 { return nil }
            key |= UInt64(b) << (8 * i)
        }
        return key
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    private static func hash(_ word: UnsafeBufferPointer<UInt8>, lowercasing: Bool) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in word { hash = (hash ^ UInt64(byte(b, lowercasing))) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
