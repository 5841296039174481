import CitedCore
import Foundation

/// Scores the verifier on labelled (passage, sentence) pairs: faithful sentences it must accept and
/// perturbed ones (negated, reversed, numbers of another group, another entity) it must reject.
/// The set is `Tests/CitedAnswerTests/Fixtures/verifier/verifier-set.jsonl` (see its VERIFIER-SET.md).
public enum VerifierEvaluation {
    /// One labelled pair.
    public struct Pair: Codable, Sendable {
        public var id: String
        public var split: String
        public var domain: String
        public var context: String
        public var passage: String
        public var sentence: String
        /// `supported` or `unsupported`.
        public var label: String
        /// `verbatim`, `paraphrase`, `negation`, `direction`, `number-swap`, …
        public var kind: String
    }

    /// A verdict on one pair.
    public struct Outcome: Codable, Sendable {
        public var id: String
        public var split: String
        public var kind: String
        public var expected: String
        public var accepted: Bool
        /// The rule that rejected it, when one did.
        public var rule: String?
        public var detail: String?

        public var correct: Bool { accepted == (expected == "supported") }
    }

    public static func load(_ url: URL) throws -> [Pair] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
            .map { try JSONDecoder().decode(Pair.self, from: Data($0.utf8)) }
    }

    /// Each pair's sentence, citing its passage [1], through `verifier` (passage vectors from `embedder`).
    public static func run(_ pairs: [Pair], verifier: Verifier, embedder: Embedder?) throws -> [Outcome] {
        let dimension = embedder?.stamp.dimension ?? 0
        var passageVectors: [String: [Float]] = [:]
        if let embedder {
            let passages = Array(Set(pairs.map(\.passage))).sorted()
            let vectors = try embedder.embed(passages)
            for (index, passage) in passages.enumerated() {
                passageVectors[passage] = Array(vectors[index * dimension..<(index + 1) * dimension])
            }
        }
        return pairs.map { pair in
            let evidence = EvidencePassage(number: 1, text: pair.passage, vector: passageVectors[pair.passage],
                                           context: pair.context)
            let verdict = verifier.verify([AnswerSentence(text: pair.sentence, citations: [1])], passages: [evidence])[0]
            let failed = verdict.trace?.last { !$0.passed }
            return Outcome(id: pair.id, split: pair.split, kind: pair.kind, expected: pair.label,
                           accepted: verdict.support == .supported,
                           rule: verdict.support == .supported ? nil : failed?.rule.rawValue,
                           detail: verdict.support == .supported ? nil : failed?.detail)
        }
    }

    /// `faithful_accepted` and `perturbed_rejected` per split (and over all), and the rejection rate per kind.
    public static func metrics(_ outcomes: [Outcome]) -> [String: Double] {
        var metrics: [String: Double] = [:]
        func rate(_ items: [Outcome]) -> Double { items.isEmpty ? 0 : Double(items.filter(\.correct).count) / Double(items.count) }
        for split in Set(outcomes.map(\.split)).sorted() + ["all"] {
            let part = outcomes.filter { split == "all" || $0.split == split }
            metrics["\(split).faithful_accepted"] = rate(part.filter { $0.expected == "supported" })
            metrics["\(split).perturbed_rejected"] = rate(part.filter { $0.expected != "supported" })
        }
        for kind in Set(outcomes.map(\.kind)) {
            metrics["kind.\(kind)"] = rate(outcomes.filter { $0.kind == kind })
        }
        return metrics
    }
}
