import CitedModel
import CitedTokenizer
import Foundation

/// Why a generation ended.
public enum StopReason: String, Sendable, Codable {
    case endOfGeneration = "eos", stopString = "stop", maxTokens = "length", cancelled, contextFull = "context"
}

/// What a generation produced, with its timings.
public struct GenerationResult: Sendable {
    public var promptTokens: Int
    /// Prompt tokens whose KV entries came from a cache instead of a prefill.
    public var cachedTokens = 0
    /// Generated ids (stop tokens excluded).
    public var tokens: [Int32]
    public var text: String
    public var stopReason: StopReason
    public var prefillSeconds: Double
    public var decodeSeconds: Double

    public var prefillTokensPerSecond: Double {
        prefillSeconds > 0 ? Double(promptTokens - cachedTokens) / prefillSeconds : 0
    }
    /// Tokens per second after the first one (each of those needs one decode step).
    public var decodeTokensPerSecond: Double {
        decodeSeconds > 0 ? Double(max(tokens.count - 1, 0)) / decodeSeconds : 0
    }
}

/// Adjusts the logits of each step before sampling (constraints, biases); gets the ids generated so far.
public typealias LogitProcessor = (_ logits: UnsafeMutableBufferPointer<Float>, _ generated: [Int32]) -> Void

/// Runs the token loop of a `LanguageModel`: prefill, sample, stream text, stop.
public final class Generator {
    public let model: LanguageModel

    public init(model: LanguageModel) { self.model = model }

    /// Prompt ids for plain text (special-token text recognised, BOS only if the model asks) or a chat turn.
    public func promptTokens(_ prompt: String, chat: Bool, system: String? = nil) throws -> [Int32] {
        guard !prompt.isEmpty else { throw LanguageModelError.emptyInput }
        return tokens(of: chat ? try chatText(prompt, system: system) : prompt)
    }

    /// The chat template rendered for one user turn (after an optional system message), ready to answer.
    public func chatText(_ user: String, system: String? = nil) throws -> String {
        guard let template = model.chatTemplate else {
            throw ChatTemplate.TemplateError.unsupported("the model has no ChatML template")
        }
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: .system, content: system)) }
        messages.append(ChatMessage(role: .user, content: user))
        return template.render(messages)
    }

    /// Ids of rendered text (special-token text recognised, BOS only if the model asks).
    public func tokens(of text: String) -> [Int32] {
        model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
    }

    /// Generates from `prompt` ids, calling `onText` with each new piece of whole UTF-8 text
    /// (return false to stop). The KV cache is reset first, unless `cached` says that it already holds
    /// the first `cached` prompt tokens (see `PromptCache`); those are not run again.
    public func generate(prompt: [Int32], parameters: GenerateParameters, cached: Int = 0,
                         logitProcessor: LogitProcessor? = nil,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw LanguageModelError.emptyInput }
        precondition(cached == 0 || (model.position == cached && cached < prompt.count),
                     "the cache holds \(model.position) tokens, not the \(cached) of a \(prompt.count)-token prompt")
        let tok = model.tokenizer
        let sampler = Sampler(parameters: parameters, vocabulary: model.configuration.vocabularySize)
        if cached == 0 { model.reset() }
        let needed = prompt.count + 1
        guard needed <= model.contextLength else {
            throw LanguageModelError.contextOverflow(needed: needed, limit: model.contextLength)
        }
        var history = prompt
        var generated: [Int32] = []
        generated.reserveCapacity(parameters.maxTokens)
        var decoder = StreamingDecoder(tokenizer: tok)
        var text = ""
        var emitted = 0  // characters of `text` already passed to onText
        let holdBack = parameters.stopStrings.map(\.count).max() ?? 0
        var reason = StopReason.maxTokens
        let t0 = DispatchTime.now().uptimeNanoseconds
        var logits = try model.forward(Array(prompt[cached...]))
        let t1 = DispatchTime.now().uptimeNanoseconds
        loop: while generated.count < parameters.maxTokens {
            sampler.penalize(logits, recent: history[...])
            logitProcessor?(logits, generated)
            let next = sampler.sample(logits)
            if parameters.stopOnEndOfGeneration && tok.endOfGeneration.contains(next) {
                reason = .endOfGeneration
                break
            }
            generated.append(next)
            history.append(next)
            text += decoder.append(next)
            if !parameters.stopStrings.isEmpty, let cut = Self.firstStop(in: text, parameters.stopStrings) {
                text = String(text[..<cut])
                reason = .stopString
                break
            }
            // Pass on what can no longer become part of a stop string.
            let safe = max(emitted, text.count - holdBack)
            if safe > emitted {
                let start = text.index(text.startIndex, offsetBy: emitted)
                let end = text.index(text.startIndex, offsetBy: safe)
                emitted = safe
                if !onText(String(text[start..<end])) { reason = .cancelled; break loop }
            }
            if generated.count >= parameters.maxTokens { break }
            if model.position + 1 > model.contextLength { reason = .contextFull; break }
            logits = try model.forward([next])
        }
        if reason != .stopString { text += decoder.flush() }
        if emitted < text.count && reason != .cancelled {
            _ = onText(String(text[text.index(text.startIndex, offsetBy: emitted)...]))
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        var result = GenerationResult(promptTokens: prompt.count, tokens: generated, text: text, stopReason: reason,
                                      prefillSeconds: Double(t1 - t0) / 1e9, decodeSeconds: Double(t2 - t1) / 1e9)
        result.cachedTokens = cached
        return result
    }

    static func firstStop(in text: String, _ stops: [String]) -> String.Index? {
        var best: String.Index?
        for s in stops where !s.isEmpty {
            if let r = text.range(of: s), best == nil || r.lowerBound < best! { best = r.lowerBound }
        }
        return best
    }
}
