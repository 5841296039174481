/// Special tokens written in raw text (`[SEP]`, `[MASK]`, …), found on UTF-8 bytes before normalisation.
///
/// Matching is leftmost, then longest first, and only at scalar starts: equal bytes there are equal scalars.
struct SpecialTokens: Sendable {
    /// (UTF-8 bytes, id), longest first (in scalars), ties in a fixed order.
    private let patterns: [(bytes: [UInt8], id: Int32)]
    /// Whether a byte begins some pattern: one table look-up per input byte.
    private let startsPattern: [Bool]

    init(_ specials: [String: Int32]) {
        let sorted = specials.filter { !$0.key.isEmpty }
            .sorted { ($0.key.unicodeScalars.count, $1.key) > ($1.key.unicodeScalars.count, $0.key) }
        patterns = sorted.map { (Array($0.key.utf8), $0.value) }
        var starts = [Bool](repeating: false, count: 256)
        for pattern in patterns { starts[Int(pattern.bytes[0])] = true }
        startsPattern = starts
    }

    /// Splits `bytes` into plain runs and special tokens, in order: `body(range, nil)` for plain text,
    /// `body(range, id)` for a special token.
    func forEachSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Int32?) -> Void) {
        var plainStart = 0
        var i = 0
        if !patterns.isEmpty {
            while i < bytes.count {
                guard startsPattern[Int(bytes[i])], let match = match(bytes, at: i) else {
                    i += 1
                    continue
                }
                if plainStart < i { body(plainStart..<i, nil) }
                body(i..<i + match.length, match.id)
                i += match.length
                plainStart = i
            }
        }
        if plainStart < bytes.count { body(plainStart..<bytes.count, nil) }
    }

    /// The first pattern (longest first) that `bytes` hold at `index`.
    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (length: Int, id: Int32)? {
        for pattern in patterns where pattern.bytes.count <= bytes.count - index {
            var k = 0
            while k < pattern.bytes.count && bytes[index + k] == pattern.bytes[k] { k += 1 }
            if k == pattern.bytes.count { return (k, pattern.id) }
        }
        return nil
    }
}
