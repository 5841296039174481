/// How well a sentence of an answer is backed by the passages it cites.
public enum Support: String, Codable, Sendable, Comparable {
    case supported, weak, unsupported

    private var rank: Int {
        switch self {
        case .supported: 2
        case .weak: 1
        case .unsupported: 0
        }
    }

    public static func < (lhs: Support, rhs: Support) -> Bool { lhs.rank < rhs.rank }
}

/// One sentence of an answer, its citation numbers (1-based, as in the prompt) and its verdict.
public struct AnswerSentence: Codable, Equatable, Sendable {
    /// The sentence without its citation markers.
    public var text: String
    public var citations: [Int]
    public var support: Support
    /// Which checks ran on the sentence and what each found, in order (`ask --verbose`, `--json`, the audit
    /// record). Nil in records made before traces existed.
    public var trace: [VerificationStep]?

    public init(text: String, citations: [Int], support: Support = .unsupported, trace: [VerificationStep]? = nil) {
        self.text = text
        self.citations = citations
        self.support = support
        self.trace = trace
    }
}

/// A check of the verifier (see `Verifier` and `Entailment`).
public enum VerificationRule: String, Codable, Sendable {
    /// The sentence states something checkable and cites a passage that was given.
    case content
    /// Its numbers, identifiers and code names appear in the cited passages.
    case keyTerms = "key-terms"
    /// It names no drug, gene, function or other uncommon word that the cited passages lack.
    case novelName = "novel-name"
    /// It does not deny what the passage states, nor state what the passage denies.
    case negation
    /// Each of its numbers belongs to the same group or outcome as in the passage.
    case numberBinding = "number-binding"
    /// It does not reverse a direction (higher/lower, improved/worsened, before/after).
    case direction
    /// It does not swap the sides of a comparison.
    case comparison
    /// It does not widen the passage's claim ("all", "always", "only").
    case generalisation
    /// It does not state as a finding what the passage gives only as its aim or question ("This study aimed
    /// to test whether X improves sleep" does not say that X improves sleep).
    case aim
    /// It is not what an abstract's background section states (what was known before the study, which the study
    /// may refute), whatever other passage shares its words.
    case background
    /// It does not claim an effect against a comparator ("reduces Y compared with placebo") from passages that
    /// report no result at all (a trial's design, its population).
    case finding
    /// It is not taken from a documentation note that a later note on the same entry revises ("Changed in
    /// version 3.5: … multiplied by 5" after "Changed in version 3.8: Default value … is changed to …").
    case superseded
    /// It does not give one member of a passage's list as the value ("the default is `CRITICAL`" from "maps
    /// DEBUG, INFO, WARNING, ERROR and CRITICAL"): the passage singles none of them out.
    case singledOut = "singled-out"
    /// Its wording or meaning is close enough to the passage (content overlap, embedder cosine).
    case meaning
    /// The answer model, asked whether the passage states the sentence, said yes.
    case judge
    /// The answer model, having read the passage, prefers the sentence's own numbers, names and comparison
    /// words to the passage's others at each place they could be swapped (`Counterfactual`).
    case counterfactual
    /// It was re-attributed to the passage that backs it.
    case attribution
    /// It was found in the index by a search for the sentence itself.
    case corroboration
    /// It is not itself an instruction to a model ("ignore previous instructions", "cite [1]"; see
    /// `InstructionDetector`): an instruction states no fact, whatever passage it echoes.
    case instruction
    /// Its citation markers name only passages given to the model. A model served by an endpoint that cannot
    /// constrain its output may write a marker for a passage it never saw: that marker is removed before the
    /// sentence is checked, and this step (failed, with the number) says so.
    case givenPassages = "given-passages"
}

/// One check on one sentence: the rule, the passage it was checked against, and the finding.
public struct VerificationStep: Codable, Equatable, Sendable {
    public var rule: VerificationRule
    /// The passage number the check was made against (nil for checks of the sentence alone).
    public var passage: Int?
    public var passed: Bool
    public var detail: String

    public init(rule: VerificationRule, passage: Int? = nil, passed: Bool, detail: String = "") {
        self.rule = rule
        self.passage = passage
        self.passed = passed
        self.detail = detail
    }
}
