/// One scored row of a search: the row's index in the matrix and its score.
public struct ScoredRow: Hashable, Sendable {
    public var row: Int
    public var score: Float

    public init(row: Int, score: Float) {
        self.row = row
        self.score = score
    }
}

/// A bounded min-heap keeping the `capacity` best (highest score, then lowest row) entries seen.
public struct TopK {
    public let capacity: Int
    private var scores: [Float]
    private var rows: [Int]

    public init(capacity: Int) {
        precondition(capacity >= 0, "TopK capacity must be non-negative")
        self.capacity = capacity
        scores = []
        rows = []
        scores.reserveCapacity(capacity)
        rows.reserveCapacity(capacity)
    }

    /// Entries kept so far.
    public var count: Int { scores.count }

    /// The score an entry must beat to enter once full (`-infinity` until then).
    @inline(__always)
    public var threshold: Float { scores.count < capacity ? -.infinity : scores[0] }

    /// True when `a` ranks below `b`: lower score, or equal score and higher row.
    @inline(__always)
    private func worse(_ sa: Float, _ ra: Int, _ sb: Float, _ rb: Int) -> Bool {
        sa < sb || (sa == sb && ra > rb)
    }

    /// Offers one entry; it is kept when it ranks above the worst kept entry or the heap is not full.
    @inline(__always)
    public mutating func push(row: Int, score: Float) {
        if scores.count < capacity {
            scores.append(score)
            rows.append(row)
            siftUp(scores.count - 1)
        } else if capacity > 0, worse(scores[0], rows[0], score, row) {
            scores[0] = score
            rows[0] = row
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard worse(scores[child], rows[child], scores[parent], rows[parent]) else { break }
            scores.swapAt(child, parent)
            rows.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let n = scores.count
        while true {
            let left = 2 * parent + 1
            if left >= n { break }
            var pick = left
            let right = left + 1
            if right < n, worse(scores[right], rows[right], scores[left], rows[left]) { pick = right }
            guard worse(scores[pick], rows[pick], scores[parent], rows[parent]) else { break }
            scores.swapAt(pick, parent)
            rows.swapAt(pick, parent)
            parent = pick
        }
    }

    /// The kept entries, best first.
    public func sorted() -> [ScoredRow] {
        var out = zip(rows, scores).map { ScoredRow(row: $0, score: $1) }
        out.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
        return out
    }
}

/// A set of allowed rows, one bit per row; searches skip rows whose bit is clear.
public struct RowMask: Sendable {
    public private(set) var words: [UInt64]
    public let rows: Int

    /// A mask over `rows` rows, all allowed or all denied.
    public init(rows: Int, allowed: Bool) {
        self.rows = rows
        words = Array(repeating: allowed ? ~0 : 0, count: (rows + 63) / 64)
    }

    @inline(__always)
    public func contains(_ row: Int) -> Bool { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }

    public mutating func insert(_ row: Int) { words[row >> 6] |= 1 << UInt64(row & 63) }
    public mutating func remove(_ row: Int) { words[row >> 6] &= ~(1 << UInt64(row & 63)) }

    /// How many rows are allowed.
    public var count: Int {
        var c = 0
        for (i, w) in words.enumerated() {
            let valid = i == words.count - 1 && rows % 64 != 0 ? w & ((1 << UInt64(rows % 64)) - 1) : w
            c += valid.nonzeroBitCount
        }
        return c
    }
}

public enum SearchSelect {
    /// The best `k` of `scores`, skipping rows outside `mask`; best first.
    public static func topK(_ scores: UnsafeBufferPointer<Float>, k: Int, mask: RowMask? = nil) -> [ScoredRow] {
        var heap = TopK(capacity: k)
        var bar = heap.threshold
        if let mask {
            for i in 0..<scores.count where scores[i] >= bar && mask.contains(i) {
                heap.push(row: i, score: scores[i])
                bar = heap.threshold
            }
        } else {
            for i in 0..<scores.count where scores[i] >= bar {
                heap.push(row: i, score: scores[i])
                bar = heap.threshold
            }
        }
        return heap.sorted()
    }

    /// Rows of the `count` highest integer scores by a counting pass (ties at the cut all kept, so it may
    /// return slightly more), skipping rows outside `mask`.
    public static func shortlist(_ scores: UnsafeBufferPointer<Int32>, count: Int, mask: RowMask? = nil) -> [Int] {
        guard count > 0, !scores.isEmpty else { return [] }
        var lo = Int32.max, hi = Int32.min
        for s in scores {
            lo = min(lo, s)
            hi = max(hi, s)
        }
        var histogram = [Int](repeating: 0, count: Int(hi - lo) + 1)
        histogram.withUnsafeMutableBufferPointer { h in
            if let mask {
                for i in 0..<scores.count where mask.contains(i) { h[Int(scores[i] - lo)] += 1 }
            } else {
                for s in scores { h[Int(s - lo)] += 1 }
            }
        }
        var cut = histogram.count - 1
        var taken = 0
        while cut > 0 {
            taken += histogram[cut]
            if taken >= count { break }
            cut -= 1
        }
        var out: [Int] = []
        out.reserveCapacity(min(scores.count, count + 64))
        let bar = Int32(cut) + lo
        for i in 0..<scores.count where scores[i] >= bar && (mask?.contains(i) ?? true) {
            out.append(i)
        }
        return out
    }
}
