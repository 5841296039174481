/// A byte trie over a WordPiece vocabulary: word-initial pieces and `##` continuations under separate roots.
///
/// Every edge lives in one open-addressing table keyed by `node << 8 | byte` (multiplicative hash, linear
/// probing). A slot holds the edge's key, its child and the token ending there, so a step is one multiply
/// and usually one memory access: no per-node storage, no `Hasher`.
struct ByteTrie: Sendable {
    /// One edge: `key` is `node << 8 | byte` (`emptyKey` in unused slots); `token` ends at `child`, or -1.
    private struct Edge {
        var key: UInt32
        var child: Int32
        var token: Int32
    }

    private let edges: [Edge]
    /// `64 - log2(slot count)`: the hash keeps the product's top bits.
    private let shift: UInt64
    private static let emptyKey = UInt32.max
    private static let initialRoot: Int32 = 0
    private static let continuingRoot: Int32 = 1

    init(tokens: [String], continuingPrefix: String) {
        let prefix = Array(continuingPrefix.utf8)
        // Build straight into a table large enough for every byte of every token (no Dictionary, no
        // per-token arrays), then move the edges into one sized for the edges actually made.
        let bound = tokens.reduce(0) { $0 + $1.utf8.count }
        var bits: UInt64 = 4
        while (1 << bits) <= bound { bits += 1 }
        var table = [Edge](repeating: Edge(key: Self.emptyKey, child: -1, token: -1), count: 1 << bits)
        var nodes: Int32 = 2
        var edgeCount = 0
        table.withUnsafeMutableBufferPointer { t in
            let mask = t.count - 1
            let shift = 64 - bits
            for (id, token) in tokens.enumerated() {
                var token = token
                token.withUTF8 { utf8 in
                    // Bytes, not Characters: "##ि" is two Characters, "#" and "#ि".
                    var root = Self.initialRoot
                    var body = utf8[...]
                    if utf8.count > prefix.count && utf8.starts(with: prefix) {
                        root = Self.continuingRoot
                        body = utf8[prefix.count...]
                    }
                    var node = root
                    var last = -1
                    for byte in body {
                        let key = UInt32(node) << 8 | UInt32(byte)
                        var slot = Self.slot(key, shift: shift)
                        while t[slot].key != key && t[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
                        if t[slot].key == Self.emptyKey {
                            t[slot] = Edge(key: key, child: nodes, token: -1)
                            nodes += 1
                            edgeCount += 1
                        }
                        node = t[slot].child
                        last = slot
                    }
                    // A node's one incoming edge carries the first token ending there.
                    if last >= 0 && t[last].token < 0 { t[last].token = Int32(id) }
                }
            }
        }
        precondition(nodes < 1 << 24 - 1, "vocabulary too large for a 24-bit trie node")
        // At most half full, so probe runs stay short.
        var finalBits: UInt64 = 4
        while (1 << finalBits) < edgeCount * 2 { finalBits += 1 }
        if finalBits == bits {
            self.edges = table
            self.shift = 64 - bits
            return
        }
        var edges = [Edge](repeating: Edge(key: Self.emptyKey, child: -1, token: -1), count: 1 << finalBits)
        let mask = (1 << Int(finalBits)) - 1
        for edge in table where edge.key != Self.emptyKey {
            var slot = Self.slot(edge.key, shift: 64 - finalBits)
            while edges[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
            edges[slot] = edge
        }
        self.edges = edges
        shift = 64 - finalBits
    }

    @inline(__always)
    private static func slot(_ key: UInt32, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The edge from `node` along `byte`, if any.
    @inline(__always)
    private func edge(_ node: Int32, _ byte: UInt8) -> Edge? {
        let key = UInt32(bitPattern: node) << 8 | UInt32(byte)
        let mask = edges.count - 1
        var slot = Self.slot(key, shift: shift)
        while true {
            let found = edges[slot]
            if found.key == key { return found }
            if found.key == Self.emptyKey { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The longest token matching `bytes[from...]`: its id and where it ends.
    /// - Parameter lowercasingASCII: read `A`–`Z` as `a`–`z` (the caller's text is not yet lower-cased).
    @inline(__always)
    func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, continuing: Bool,
                      lowercasingASCII: Bool) -> (id: Int32, end: Int)? {
        var node = continuing ? Self.continuingRoot : Self.initialRoot
        var best: (Int32, Int)?
        var i = from
        while i < bytes.count {
            var byte = bytes[i]
            if lowercasingASCII && byte &- 0x41 < 26 { byte |= 0x20 }
            guard let edge = edge(node, byte) else { break }
            node = edge.child
            i += 1
            if edge.token >= 0 { best = (edge.token, i) }
        }
        return best
    }
}
