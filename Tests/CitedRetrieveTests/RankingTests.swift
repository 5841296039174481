import CitedCore
import Foundation
import Testing
@testable import CitedRetrieve

@Suite("Fusion and metrics on hand-computed cases")
struct RankingTests {
    @Test("reciprocal-rank fusion")
    func rrf() {
        let fused = Fusion.reciprocalRank([[1, 2, 3], [3, 1]], constant: 60)
        // 1: 1/61 + 1/62, 3: 1/63 + 1/61, 2: 1/62.
        #expect(fused.map(\.id) == [1, 3, 2])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
        // Equal scores: the best single rank wins, then the lower id.
        #expect(Fusion.reciprocalRank([[7, 8], [8, 7]]).map(\.id) == [7, 8])
        #expect(Fusion.reciprocalRank([]).isEmpty)
    }

    @Test("convex fusion of min–max normalised scores")
    func convex() {
        // dense 0.9, 0.7, 0.5 → 1, 0.5, 0; bm25 12, 2 → 1, 0.
        let fused = Fusion.convex(dense: [(1, 0.9), (2, 0.7), (3, 0.5)], bm25: [(3, 12), (4, 2)], denseWeight: 0.6)
        // 1: 0.6, 3: 0 + 0.4, 2: 0.3, 4: 0.
        #expect(fused.map(\.id) == [1, 3, 2, 4])
        #expect(abs(fused[0].score - 0.6) < 1e-12 && abs(fused[1].score - 0.4) < 1e-12)
        #expect(abs(fused[2].score - 0.3) < 1e-12 && fused[3].score == 0)
        // One list only, or equal scores within a list: no division by zero; ties by id.
        #expect(Fusion.convex(dense: [(5, 0.4), (6, 0.4)], bm25: []).map(\.id) == [5, 6])
        #expect(Fusion.convex(dense: [], bm25: []).isEmpty)
    }

    @Test("recall, MRR and nDCG")
    func metrics() {
        let r: [Bool] = [false, true, false, false, true]
        #expect(RetrievalMetrics.recall(r, goldCount: 2, at: 1) == 0)
        #expect(RetrievalMetrics.recall(r, goldCount: 2, at: 2) == 0.5)
        #expect(RetrievalMetrics.recall(r, goldCount: 2, at: 10) == 1)
        #expect(RetrievalMetrics.reciprocalRank(r) == 0.5)
        #expect(RetrievalMetrics.reciprocalRank([false, false]) == 0)
        // DCG = 1/log2(3) + 1/log2(6); ideal = 1 + 1/log2(3).
        let want = (1 / log2(3.0) + 1 / log2(6.0)) / (1 + 1 / log2(3.0))
        #expect(abs(RetrievalMetrics.ndcg(r, goldCount: 2, at: 10) - want) < 1e-12)
        #expect(RetrievalMetrics.ndcg([true], goldCount: 1, at: 10) == 1)
        #expect(abs(RetrievalMetrics.ndcg(r, goldCount: 2, at: 3) - (1 / log2(3.0)) / (1 + 1 / log2(3.0))) < 1e-12)
        #expect(RetrievalMetrics.firstMatches(["a", "b", "a", "c"], gold: ["a", "c"]) { $0 == $1 } == [true, false, false, true])
    }

    @Test("gold matching by PMID, path suffix and section")
    func gold() {
        let pubmed = Source(kind: .pubmed, id: "PMID:34567890", pmid: "34567890", title: "t", locator: "Abstract")
        #expect(EvalQuestion.matches(pubmed, gold: "34567890"))
        #expect(EvalQuestion.matches(pubmed, gold: "PMID:34567890"))
        #expect(!EvalQuestion.matches(pubmed, gold: "3456789"))
        let doc = Source(kind: .doc, id: "library/functools.rst.txt#lru_cache", path: "python/library/functools.rst.txt",
                         title: "functools", locator: "library/functools.rst.txt:120-148 (lru_cache)")
        #expect(EvalQuestion.matches(doc, gold: "library/functools.rst.txt"))
        #expect(EvalQuestion.matches(doc, gold: "library/functools.rst.txt#lru_cache"))
        #expect(!EvalQuestion.matches(doc, gold: "library/functools.rst.txt#partial"))
        #expect(!EvalQuestion.matches(doc, gold: "tools.rst.txt"))
    }

    @Test("evaluation averages over answerable questions")
    func evaluation() throws {
        let questions = [
            EvalQuestion(id: "a", domain: .clinical, question: "q", gold: ["1"], facts: nil, answerable: true),
            EvalQuestion(id: "b", domain: .clinical, question: "q", gold: ["2"], facts: nil, answerable: true),
            EvalQuestion(id: "c", domain: .clinical, question: "q", gold: [], facts: nil, answerable: false),
        ]
        func src(_ pmid: String) -> Source { Source(kind: .pubmed, id: "PMID:" + pmid, pmid: pmid, title: "", locator: "") }
        let report = RetrievalEvaluation.run(questions, mode: "test") { q in
            q.id == "a" ? [src("1"), src("9")] : [src("9"), src("8"), src("2")]
        }
        #expect(report.questions == 2)
        #expect(report.metrics["recall@1"] == 0.5)
        #expect(report.metrics["recall@5"] == 1)
        #expect(abs(report.metrics["mrr"]! - (1 + 1.0 / 3) / 2) < 1e-12)
        #expect(abs(report.metrics["ndcg@10"]! - (1 + 0.5) / 2) < 1e-12)
    }

    @Test("snippets highlight query terms")
    func snippet() {
        let s = Snippet(passage: "Serum IL-6 levels predicted mortality in septic shock.", query: "il-6 mortality")
        #expect(s.marked(open: "[", close: "]") == "Serum [IL-6] levels predicted [mortality] in septic shock.")
        let long = String(repeating: "filler ", count: 100) + "the lru_cache decorator" + String(repeating: " filler", count: 100)
        let t = Snippet(passage: long, query: "lru_cache", width: 60)
        #expect(t.text.contains("lru_cache") && t.text.hasPrefix("…") && t.text.hasSuffix("…"))
        #expect(t.text.count <= 62)
    }
}
