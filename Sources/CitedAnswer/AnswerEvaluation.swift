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
        /// Every gold fact is present.
        public var allFacts = false
        /// The same two counted in the checked sentences alone, without the evidence quotes: what the model
        /// itself wrote.
        public var factsInSentences: Double = 0
        public var allFactsInSentences = false
        /// Citations of the answer, and how many of them name a gold source (graded by the question
        /// file, not by the verifier).
        public var citations = 0
        public var goldCitations = 0
        /// The answer text, for reading the run by hand.
        public var answer = ""
        public var supportedSentences: Int
        public var citedSentences: Int
        public var milliseconds: Int
        /// The answer's retrieval evidence, why it abstained, and how it was made (for calibration).
        public var evidence: Float = 0
        public var abstentionReason: String?
        public var method = ""
        public var declineMargin: Float?
        /// The question–answer cosine of the checked sentences (`AnswerPolicy.answerRelevance`), when measured.
        public var answerRelevance: Float?

        enum CodingKeys: String, CodingKey {
            case id, answerable, abstained, facts, milliseconds, evidence, method, citations, answer
            case allFacts = "all_facts"
            case factsInSentences = "facts_sentences"
            case allFactsInSentences = "all_facts_sentences"
            case declineMargin = "decline_margin"
            case answerRelevance = "answer_relevance"
            case goldCitations = "gold_citations"
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
        outcome.allFacts = !answer.abstained && present == facts.count
        let written = answer.sentences.map(\.text).joined(separator: " ").lowercased()
        let presentWritten = answer.abstained ? 0 : facts.filter { written.contains($0.lowercased()) }.count
        outcome.factsInSentences = facts.isEmpty ? outcome.facts : Double(presentWritten) / Double(facts.count)
        outcome.allFactsInSentences = !answer.abstained && presentWritten == facts.count
        outcome.citations = answer.abstained ? 0 : answer.citations.count
        outcome.goldCitations = answer.abstained ? 0 : answer.citations.filter { citation in
            question.gold.contains { EvalQuestion.matches(citation.source, gold: $0) }
        }.count
        outcome.answer = answer.answer
        outcome.evidence = answer.evidence
        outcome.abstentionReason = answer.abstentionReason?.rawValue
        outcome.method = answer.method.rawValue
        outcome.declineMargin = answer.declineMargin
        outcome.answerRelevance = answer.answerRelevance
        return outcome
    }

    /// Over answerable questions: `cited_gold` (the answer cites a gold source), `facts` (share of gold facts
    /// present), `all_facts` (every one present), the same two in the model's checked sentences alone
    /// (`facts_sentences`, `all_facts_sentences`: without the evidence quotes), `false_abstain`, and
    /// `citation_precision` (citations of answered questions that name a gold source: graded by the question file, never by the verifier).
    /// Over unanswerable ones: `abstain_correct`. Over all: `verifier_supported` (cited sentences the
    /// verifier passed: a property of the answers, not a grade) and the median time.
    public static func metrics(_ outcomes: [Outcome]) -> [String: Double] {
        let answerable = outcomes.filter(\.answerable)
        let unanswerable = outcomes.filter { !$0.answerable }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        let cited = outcomes.reduce(0) { $0 + $1.citedSentences }
        let supported = outcomes.reduce(0) { $0 + $1.supportedSentences }
        let citations = answerable.reduce(0) { $0 + $1.citations }
        let goldCitations = answerable.reduce(0) { $0 + $1.goldCitations }
        let times = outcomes.map(\.milliseconds).sorted()
        return [
            "cited_gold": mean(answerable.map { $0.citedGold ? 1 : 0 }),
            "facts": mean(answerable.map(\.facts)),
            "all_facts": mean(answerable.map { $0.allFacts ? 1 : 0 }),
            "facts_sentences": mean(answerable.map(\.factsInSentences)),
            "all_facts_sentences": mean(answerable.map { $0.allFactsInSentences ? 1 : 0 }),
            "false_abstain": mean(answerable.map { $0.abstained ? 1 : 0 }),
            "abstain_correct": mean(unanswerable.map { $0.abstained ? 1 : 0 }),
            "citation_precision": citations == 0 ? 0 : Double(goldCitations) / Double(citations),
            "verifier_supported": cited == 0 ? 0 : Double(supported) / Double(cited),
            "median_ms": times.isEmpty ? 0 : Double(times[times.count / 2]),
        ]
    }
}
