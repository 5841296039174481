import CitedCore
import CitedRetrieve
import Foundation

/// Scores answers against a question file (CLI.md `eval answers`).
public enum AnswerEvaluation {
    /// One question's outcome.
    public struct Outcome: Codable, Sendable {
        public var id: String
        public var answerable: Bool
        public var abstained: Bool
        public var citedGold: Bool
        /// Share of the gold facts present in the answer.
        public var facts: Double
        public var supportedSentences: Int
        public var citedSentences: Int
        public var milliseconds: Int
        /// The answer's retrieval evidence, why it abstained, and how it was made (for calibration).
        public var evidence: Float = 0
        public var abstentionReason: String?
        public var method = ""

        enum CodingKeys: String, CodingKey {
            case id, answerable, abstained, facts, milliseconds, evidence, method
            case abstentionReason = "abstention_reason"
            case citedGold = "cited_gold"
            case supportedSentences = "supported_sentences"
            case citedSentences = "cited_sentences"
        }
    }

    public static func outcome(of answer: Answer, for question: EvalQuestion, milliseconds: Int) -> Outcome {
        let answerable = question.answerable ?? true
        let text = answer.answer.lowercased()
        let citedGold = !answer.abstained && answer.citations.contains { citation in
            question.gold.contains { EvalQuestion.matches(citation.source, gold: $0) }
        }
        let facts = question.facts ?? []
        let present = answer.abstained ? 0 : facts.filter { text.contains($0.lowercased()) }.count
        let cited = answer.sentences.filter { !$0.citations.isEmpty }
        var outcome = Outcome(id: question.id, answerable: answerable, abstained: answer.abstained, citedGold: citedGold,
                              facts: facts.isEmpty ? (answer.abstained ? 0 : 1) : Double(present) / Double(facts.count),
                              supportedSentences: cited.filter { $0.support == .supported }.count,
                              citedSentences: cited.count, milliseconds: milliseconds)
        outcome.evidence = answer.evidence
        outcome.abstentionReason = answer.abstentionReason
        outcome.method = answer.method
        return outcome
    }

    /// `cited_gold`, `facts`, `false_abstain` over answerable questions, `abstain_correct` over
    /// unanswerable ones, `citation_precision` over all cited sentences, and the median time.
    public static func metrics(_ outcomes: [Outcome]) -> [String: Double] {
        let answerable = outcomes.filter(\.answerable)
        let unanswerable = outcomes.filter { !$0.answerable }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        let cited = outcomes.reduce(0) { $0 + $1.citedSentences }
        let supported = outcomes.reduce(0) { $0 + $1.supportedSentences }
        let times = outcomes.map(\.milliseconds).sorted()
        return [
            "cited_gold": mean(answerable.map { $0.citedGold ? 1 : 0 }),
            "facts": mean(answerable.map(\.facts)),
            "false_abstain": mean(answerable.map { $0.abstained ? 1 : 0 }),
            "abstain_correct": mean(unanswerable.map { $0.abstained ? 1 : 0 }),
            "citation_precision": cited == 0 ? 0 : Double(supported) / Double(cited),
            "median_ms": times.isEmpty ? 0 : Double(times[times.count / 2]),
        ]
    }
}
