import CitedCore
import Foundation

/// Retrieval metrics over a question set, averaged; the `eval --json` shape.
public struct RetrievalReport: Codable, Sendable {
    public var questions: Int
    public var mode: String
    public var metrics: [String: Double]
    /// Per question: its id and the 1-based rank of its first gold hit (nil when not in the top 10).
    public var perQuestion: [PerQuestion]

    public struct PerQuestion: Codable, Sendable {
        public var id: String
        public var firstGoldRank: Int?
        enum CodingKeys: String, CodingKey {
            case id
            case firstGoldRank = "first_gold_rank"
        }
    }

    enum CodingKeys: String, CodingKey {
        case questions, mode, metrics
        case perQuestion = "per_question"
    }
}

public enum RetrievalEvaluation {
    /// Runs every answerable question through `search` (top 10) and averages Recall@1/5/10, MRR and nDCG@10.
    public static func run(_ questions: [EvalQuestion], mode: String,
                           search: (EvalQuestion) throws -> [Source]) rethrows -> RetrievalReport {
        var sums = ["recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr": 0.0, "ndcg@10": 0.0]
        var per: [RetrievalReport.PerQuestion] = []
        let scored = questions.filter { $0.answerable != false && !$0.gold.isEmpty }
        for q in scored {
            let sources = try search(q)
            let relevant = RetrievalMetrics.firstMatches(Array(sources.prefix(10)), gold: q.gold) {
                EvalQuestion.matches($0, gold: $1)
            }
            sums["recall@1"]! += RetrievalMetrics.recall(relevant, goldCount: q.gold.count, at: 1)
            sums["recall@5"]! += RetrievalMetrics.recall(relevant, goldCount: q.gold.count, at: 5)
            sums["recall@10"]! += RetrievalMetrics.recall(relevant, goldCount: q.gold.count, at: 10)
            sums["mrr"]! += RetrievalMetrics.reciprocalRank(relevant)
            sums["ndcg@10"]! += RetrievalMetrics.ndcg(relevant, goldCount: q.gold.count, at: 10)
            per.append(.init(id: q.id, firstGoldRank: relevant.firstIndex(of: true).map { $0 + 1 }))
        }
        let n = Double(max(scored.count, 1))
        return RetrievalReport(questions: scored.count, mode: mode, metrics: sums.mapValues { $0 / n }, perQuestion: per)
    }
}
