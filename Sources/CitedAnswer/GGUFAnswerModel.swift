import CitedGenerate
import CitedModel
import CitedTokenizer
import Foundation

/// The product's answer model: a GGUF model run by Cited's engine, chat-templated, greedy by default.
public final class GGUFAnswerModel: AnswerModel {
    public let generator: Generator
    public var name: String { generator.model.name }

    public init(url: URL, contextLength: Int = 4096) throws {
        generator = Generator(model: try LanguageModel(url: url, contextLength: contextLength))
    }

    public lazy var tokenTexts: [String] = {
        let tokenizer = generator.model.tokenizer
        return (0..<tokenizer.vocabularySize).map { String(decoding: tokenizer.bytes(of: Int32($0)), as: UTF8.self) }
    }()

    public func generate(system: String, user: String, maxTokens: Int, seed: UInt64,
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         onText: (String) -> Void) throws -> String {
        let prompt = try generator.promptTokens(user, chat: true, system: system)
        var parameters = GenerateParameters.greedy(maxTokens: maxTokens)
        parameters.seed = seed
        let result = try generator.generate(prompt: prompt, parameters: parameters, logitProcessor: constrain) { piece in
            onText(piece)
            return true
        }
        return result.text
    }
}
