import CitedCore

/// A numbered citation of an answer: the passage given to the model under that number.
public struct AnswerCitation: Codable, Sendable, Equatable {
    public var n: Int
    public var passageID: Int64
    public var source: Source

    enum CodingKeys: String, CodingKey {
        case n
        case passageID = "passage_id"
        case source
    }
}

/// The model server that wrote an answer (`ask --json` `endpoint`; absent for the local engine).
public struct AnswerEndpoint: Codable, Sendable, Equatable {
    /// The `[endpoints.NAME]` table's name.
    public var name: String
    /// The `model` the server was asked for.
    public var model: String
    public var baseURL: String
    /// How citation markers were kept to the given passages: `grammar`, `guided_regex`, or `none` (markers
    /// naming other passages removed before checking).
    public var constraint: String

    public init(name: String, model: String, baseURL: String, constraint: String) {
        self.name = name
        self.model = model
        self.baseURL = baseURL
        self.constraint = constraint
    }

    enum CodingKeys: String, CodingKey {
        case name, model, constraint
        case baseURL = "base_url"
    }
}

/// Milliseconds from the question to the end of each stage (0: the stage did not run).
public struct AnswerTimings: Codable, Sendable, Equatable {
    public var retrieve = 0
    /// The answer model loaded (or found loaded).
    public var modelReady = 0
    public var firstToken = 0
    /// Generation ended.
    public var generated = 0
    /// Every sentence checked against the passages given (before corroboration searches).
    public var verified = 0
    public var total = 0

    enum CodingKeys: String, CodingKey {
        case retrieve
        case modelReady = "model_ready"
        case firstToken = "first_token"
        case generated, verified, total
    }

    public init() {}

    /// Missing stages read as 0 (records written before they were timed).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retrieve = try c.decodeIfPresent(Int.self, forKey: .retrieve) ?? 0
        modelReady = try c.decodeIfPresent(Int.self, forKey: .modelReady) ?? 0
        firstToken = try c.decodeIfPresent(Int.self, forKey: .firstToken) ?? 0
        generated = try c.decodeIfPresent(Int.self, forKey: .generated) ?? 0
        verified = try c.decodeIfPresent(Int.self, forKey: .verified) ?? 0
        total = try c.decodeIfPresent(Int.self, forKey: .total) ?? 0
    }
}

/// What `cited ask` returns (CLI.md `ask --json`).
public struct Answer: Codable, Sendable {
    public var question: String
    /// The answer text with its citation markers, or the abstention message.
    public var answer: String
    public var abstained: Bool
    /// Why the assistant abstained, when it did.
    public var abstentionReason: AbstentionReason?
    public var domain: Domain
    public var sentences: [AnswerSentence]
    public var citations: [AnswerCitation]
    /// The nearest passages, shown when the assistant abstains: related reading, not an answer.
    public var nearest: [AnswerCitation]
    public var method: AnswerMethod
    public var model: String
    /// The model server that wrote the answer, when `model` is `endpoint:NAME`.
    public var endpoint: AnswerEndpoint?
    public var embedder: String
    /// The best cosine between the question and a retrieved passage: the evidence abstention is decided on.
    public var evidence: Float = 0
    /// How sure the model was that the sources lack the answer: its sentinel's first-token logit minus the
    /// best other first token's (`AnswerPolicy.declineMargin`).
    public var declineMargin: Float?
    /// The cosine between the question and the checked sentences together (`AnswerPolicy.answerRelevance`),
    /// when the answer got that far.
    public var answerRelevance: Float?
    /// Question words the index never mentions (`absent-terms`), or names no listed passage contains
    /// (`uncovered-terms`).
    public var absentTerms: [String] = []
    /// The model's whole answer with its verdicts and traces, when some of its sentences failed the checks
    /// and were left out, or when no sentence passed them (abstention `unsupported`).
    public var draft: [AnswerSentence] = []
    /// Sentences of the cited passages, word for word, that state what the answer's sentences say (with their
    /// figures and names as written): shown under the answer and appended to `answer` (`EvidenceQuotes`).
    public var quotes: [EvidenceQuote] = []
    public var notice: String?
    public var timingsMS: AnswerTimings
    /// The audit record's id (`cited ask --replay ID`).
    public var auditID: Int64?

    enum CodingKeys: String, CodingKey {
        case question, answer, abstained, domain, sentences, citations, nearest, method, model, endpoint, embedder, notice
        case evidence, draft, quotes
        case abstentionReason = "abstention_reason"
        case declineMargin = "decline_margin"
        case answerRelevance = "answer_relevance"
        case absentTerms = "absent_terms"
        case timingsMS = "timings_ms"
        case auditID = "audit_id"
    }

    public static let notFound = "Not found in the indexed sources."
    /// The heading of the quotes in the answer text.
    public static let quotesHeading = "In the sources' words:"

    /// The checked sentences with their markers, then the quotes under `quotesHeading`, one a line.
    public static func text(of sentences: [AnswerSentence], quotes: [EvidenceQuote]) -> String {
        let body = sentences.map { sentence in
            sentence.text + (sentence.citations.isEmpty ? "" : " " + sentence.citations.map { "[\($0)]" }.joined())
        }.joined(separator: " ")
        guard !quotes.isEmpty else { return body }
        return body + "\n\n" + quotesHeading + "\n" + quotes.map { "[\($0.n)] \"\($0.text)\"" }.joined(separator: "\n")
    }
    public static let clinicalNotice = "Not for diagnosis or treatment decisions: check the cited sources."
}
