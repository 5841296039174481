import CitedGenerate
import CitedModel
import CitedTokenizer
import Foundation

/// The product's answer model: a GGUF model run by Cited's engine, chat-templated, greedy by default.
/// The system prompt and the template's fixed start are prefilled once and kept by a `PromptCache`.
public final class GGUFAnswerModel: AnswerModel, StatementJudge {
    public let generator: Generator
    public let promptCache: PromptCache
    public var name: String { generator.model.name }
    /// Prompt tokens of the last answer, and how many of them came from the prompt cache.
    public private(set) var lastPromptTokens = 0, lastCachedTokens = 0
    /// Tokens the last answer generated, and the seconds its decode steps took.
    public private(set) var lastGeneratedTokens = 0, lastDecodeSeconds = 0.0

    public init(url: URL, contextLength: Int = 4096, promptCache: PromptCache = .standard()) throws {
        generator = Generator(model: try LanguageModel(url: url, contextLength: contextLength))
        self.promptCache = promptCache
    }

    public lazy var tokenTexts: [String] = {
        let tokenizer = generator.model.tokenizer
        return (0..<tokenizer.vocabularySize).map { String(decoding: tokenizer.bytes(of: Int32($0)), as: UTF8.self) }
    }()

    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         onText: (String) -> Void) throws -> String {
        try generate(prompt, maxTokens: maxTokens, seed: seed, stop: stop, constrain: constrain,
                     isCancelled: { false }, onText: onText)
    }

    /// `generate`, stopping after the token at which `isCancelled` turns true (the text so far is returned).
    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         isCancelled: () -> Bool, onText: (String) -> Void) throws -> String {
        let text = try generator.chatText(prompt.user, system: prompt.system)
        let ids = generator.tokens(of: text)
        let cached = try promptCache.prepare(generator.model, prompt: ids,
                                             prefixLength: Self.fixedLength(ids, text: text, prompt: prompt, generator: generator))
        var parameters = GenerateParameters.greedy(maxTokens: maxTokens)
        parameters.seed = seed
        parameters.stopStrings = stop
        let result = try generator.generate(prompt: ids, parameters: parameters, cached: cached,
                                            logitProcessor: constrain) { piece in
            onText(piece)
            return !isCancelled()
        }
        lastPromptTokens = result.promptTokens
        lastCachedTokens = result.cachedTokens
        lastGeneratedTokens = result.tokens.count
        lastDecodeSeconds = result.decodeSeconds
        return result.text
    }

    /// The model's judgment of a yes/no prompt: logit(Yes) − logit(No) for the first answer token, from one
    /// forward pass over the prompt (its fixed start from the prompt cache). Positive means yes.
    public func judge(_ prompt: Prompt) throws -> Float {
        let text = try generator.chatText(prompt.user, system: prompt.system)
        let ids = generator.tokens(of: text)
        let cached = try promptCache.prepare(generator.model, prompt: ids,
                                             prefixLength: Self.fixedLength(ids, text: text, prompt: prompt, generator: generator))
        if cached == 0 { generator.model.reset() }
        let logits = try generator.model.forward(Array(ids[cached...]))
        func best(_ words: [String]) -> Float {
            words.compactMap { word -> Float? in
                let tokens = generator.tokens(of: word)
                guard tokens.count == 1, Int(tokens[0]) < logits.count else { return nil }
                return logits[Int(tokens[0])]
            }.max() ?? -.infinity
        }
        return best(["Yes", "yes", " Yes"]) - best(["No", "no", " No"])
    }

    /// How many of `ids` (the rendered chat `text`) are fixed for the domain: the tokens of the text up to
    /// the end of the template's fixed start, as far as they agree with `ids` (merges may cross the cut).
    static func fixedLength(_ ids: [Int32], text: String, prompt: Prompt, generator: Generator) -> Int {
        guard let userStart = text.range(of: prompt.user)?.lowerBound else { return 0 }
        let end = text.utf8.index(userStart, offsetBy: prompt.fixedUserPrefix.utf8.count)
        return PromptCache.sharedLength(of: ids, head: generator.tokens(of: String(text[..<end])))
    }
}
