import CitedAnswer

/// What an ask was run with; stored with the answer so that a replay repeats it.
public struct AskSettings: Codable, Sendable, Equatable {
    public var question: String
    public var k: Int
    /// A model name (`cited models list`) or GGUF path; nil: the configured model of the routed domain.
    public var model: String?
    /// Use the configured fast model.
    public var fast: Bool
    /// clinical, code or math; nil: routed from the question and the sources.
    public var domain: String?
    public var maxTokens: Int
    public var seed: UInt64
    public var strict: Bool
    /// The evidence threshold, when not the default (absent in records made before it existed).
    public var minEvidence: Float? = nil
    /// The answer policy the answer was made with (absent in records made before it existed: the defaults).
    public var policy: AnswerPolicy? = nil

    public init(question: String, k: Int = 6, model: String? = nil, fast: Bool = false, domain: String? = nil,
                maxTokens: Int = AskParameters().maxTokens, seed: UInt64 = 0, strict: Bool = false,
                minEvidence: Float? = nil, policy: AnswerPolicy? = nil) {
        self.question = question
        self.k = k
        self.model = model
        self.fast = fast
        self.domain = domain
        self.maxTokens = maxTokens
        self.seed = seed
        self.strict = strict
        self.minEvidence = minEvidence
        self.policy = policy
    }
}
