/// Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): score = Σ 1 / (c + rank).
public enum Fusion {
    /// The usual constant; it damps the weight of the very first ranks.
    public static let constant = 60.0

    /// Fuses ranked lists of ids (best first); ties broken by best single rank, then by id.
    public static func reciprocalRank(_ lists: [[Int64]], constant: Double = Fusion.constant) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        var best: [Int64: Int] = [:]
        for list in lists {
            for (index, id) in list.enumerated() {
                scores[id, default: 0] += 1 / (constant + Double(index + 1))
                best[id] = min(best[id] ?? Int.max, index)
            }
        }
        return scores.map { ($0.key, $0.value) }.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if best[$0.id]! != best[$1.id]! { return best[$0.id]! < best[$1.id]! }
            return $0.id < $1.id
        }
    }
}
