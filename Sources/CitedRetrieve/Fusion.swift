/// How `hybrid` mode merges the dense and BM25 lists.
public enum FusionMethod: String, CaseIterable, Codable, Sendable {
    /// Weighted sum of min–max normalised scores (Bruch, Gai and Ingber, TOIS 2023): uses how far apart
    /// the scores are, not just their order. Beat dense and BM25 on all five dev-set metrics.
    case convex
    /// Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): score = Σ 1 / (c + rank).
    case rrf
}

/// Fusion of ranked lists: reciprocal-rank and convex combination.
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

    /// Weight of the dense list in `convex` (BM25 gets the rest). Chosen on Corpora/eval/retrieval-dev.jsonl
    /// over the full index (see Benchmarks/RESULTS.md): 0.6 beat dense and BM25 alone on every metric.
    public static let denseWeight = 0.6

    /// `w · dense + (1 − w) · bm25`, each list's scores min–max normalised to [0, 1] (a passage missing from
    /// a list gets 0 there); ties broken by id.
    public static func convex(dense: [(Int64, Double)], bm25: [(Int64, Double)],
                              denseWeight: Double = Fusion.denseWeight) -> [(id: Int64, score: Double)] {
        var scores: [Int64: Double] = [:]
        for (list, weight) in [(dense, denseWeight), (bm25, 1 - denseWeight)] where !list.isEmpty {
            let values = list.map(\.1)
            let low = values.min()!, span = values.max()! - low
            for (id, score) in list {
                scores[id, default: 0] += weight * (span > 0 ? (score - low) / span : 1)
            }
        }
        return scores.map { ($0.key, $0.value) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id
        }
    }
}
