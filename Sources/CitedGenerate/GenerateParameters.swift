/// Per-call settings of a generation (sampling, stopping).
public struct GenerateParameters: Sendable, Equatable {
    /// Most tokens to generate.
    public var maxTokens: Int
    /// 0 (or less) means greedy decoding.
    public var temperature: Float
    /// Keep only the k most likely tokens (0: off).
    public var topK: Int
    /// Keep the smallest set whose probability reaches p (1: off).
    public var topP: Float
    /// Drop tokens whose probability is below minP times the best one's (0: off).
    public var minP: Float
    /// Divides positive (multiplies negative) logits of recently seen tokens (1: off).
    public var repetitionPenalty: Float
    /// How many recent tokens (prompt included) the penalty looks at.
    public var repetitionWindow: Int
    /// Seed of the sampler; equal seeds give equal samples.
    public var seed: UInt64
    /// Generation stops before any of these strings; they are not returned.
    public var stopStrings: [String]
    /// Stop on the model's end-of-generation tokens.
    public var stopOnEndOfGeneration: Bool
    /// Greedy decoding only: up to this many tokens that followed the last words the last time they occurred
    /// (in the prompt or the answer so far) are run with the next token in one pass, and kept as long as
    /// they are the tokens the model picks. The output is the same token for token, in fewer passes over the
    /// weights when the answer copies its sources (0: one token per pass; at most
    /// `LanguageModel.maxStepTokens` - 1).
    public var draftTokens = 2

    public init(maxTokens: Int = 256, temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64 = 0,
                stopStrings: [String] = [], stopOnEndOfGeneration: Bool = true) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
        self.stopStrings = stopStrings
        self.stopOnEndOfGeneration = stopOnEndOfGeneration
    }

    /// Greedy decoding of at most `maxTokens` tokens.
    public static func greedy(maxTokens: Int) -> GenerateParameters {
        GenerateParameters(maxTokens: maxTokens, temperature: 0)
    }
}
