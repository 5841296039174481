import Foundation

/// Ranking metrics over binary relevance. `relevant[i]` is true when result `i` matches a gold entry that no
/// earlier result matched (so a document found twice counts once).
public enum RetrievalMetrics {
    /// Share of the gold entries found in the first `k` results.
    public static func recall(_ relevant: [Bool], goldCount: Int, at k: Int) -> Double {
        guard goldCount > 0 else { return 0 }
        return Double(relevant.prefix(k).filter { $0 }.count) / Double(goldCount)
    }

    /// Marks each result relevant when it matches a gold entry not matched before it.
    public static func firstMatches<T>(_ results: [T], gold: [String], matches: (T, String) -> Bool) -> [Bool] {
        var found = Set<Int>()
        return results.map { result in
            for (g, entry) in gold.enumerated() where !found.contains(g) && matches(result, entry) {
                found.insert(g)
                return true
            }
            return false
        }
    }

    /// 1 / rank of the first relevant result, 0 when none.
    public static func reciprocalRank(_ relevant: [Bool]) -> Double {
        guard let i = relevant.firstIndex(of: true) else { return 0 }
        return 1 / Double(i + 1)
    }

    /// nDCG@k with binary gains; the ideal ranking puts `min(goldCount, k)` relevant results first.
    public static func ndcg(_ relevant: [Bool], goldCount: Int, at k: Int) -> Double {
        var dcg = 0.0
        for (i, r) in relevant.prefix(k).enumerated() where r { dcg += 1 / log2(Double(i + 2)) }
        var ideal = 0.0
        for i in 0..<min(max(goldCount, 0), k) { ideal += 1 / log2(Double(i + 2)) }
        return ideal > 0 ? dcg / ideal : 0
    }
}
