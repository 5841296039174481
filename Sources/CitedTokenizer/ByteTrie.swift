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
        var edges: [UInt32: Int32] = [:]
        var terminal: [Int32] = [-1, -1]
        for (id, token) in tokens.enumerated() {
            // Bytes, not Characters: "##ि" is two Characters, "#" and "#ि".
            var root = Self.initialRoot
            var body = Array(token.utf8)
            if body.count > prefix.count && body.starts(with: prefix) {
                root = Self.continuingRoot
                body.removeFirst(prefix.count)
            }
            var node = root
            for byte in body {
                let key = UInt32(node) << 8 | UInt32(byte)
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(terminal.count)
                    terminal.append(-1)
                    edges[key] = child
                    node = child
                }
            }
            if node != root && terminal[Int(node)] < 0 { terminal[Int(node)] = Int32(id) }
        }
        precondition(terminal.count < 1 << 24 - 1, "vocabulary too large for a 24-bit trie node")
        // At most half full, so probe runs stay short.
        var bits: UInt64 = 4
        while (1 << bits) < edges.count * 2 { bits += 1 }
        var table = [Edge](repeating: Edge(key: Self.emptyKey, child: -1, token: -1), count: 1 << bits)
        let mask = (1 << Int(bits)) - 1
        for (key, child) in edges {
            var slot = Self.slot(key, shift: 64 - bits)
            while table[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
            table[slot] = Edge(key: key, child: child, token: terminal[Int(child)])
        }
        self.edges = table
        self.shift = 64 - bits
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
