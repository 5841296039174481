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
    /// Of `tokens`, how many were drafted and confirmed in a pass with the token before them
    /// (`GenerateParameters.draftTokens`).
    public var draftedTokens = 0
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

    /// The chat template rendered for one user turn (after an optional system message and earlier
    /// user/assistant exchanges), ready to answer.
    public func chatText(_ user: String, system: String? = nil,
                         history: [(user: String, assistant: String)] = []) throws -> String {
        guard let template = model.chatTemplate else {
            throw ChatTemplate.TemplateError.unsupported("the model has no ChatML template")
        }
        var messages: [ChatMessage] = []
        if let system { messages.append(ChatMessage(role: .system, content: system)) }
        for turn in history {
            messages.append(ChatMessage(role: .user, content: turn.user))
            messages.append(ChatMessage(role: .assistant, content: turn.assistant))
        }
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
        /// The token the logits pick, after the penalty and the processor.
        func pick(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
            sampler.penalize(logits, recent: history[...])
            logitProcessor?(logits, generated)
            return sampler.sample(logits)
        }
        /// Takes `next` into the answer; false when the generation ends with it. `pending`: KV entries of it
        /// and the drafts after it (run, not yet taken).
        func accept(_ next: Int32, pending: Int = 0) -> Bool {
            if parameters.stopOnEndOfGeneration && tok.endOfGeneration.contains(next) {
                reason = .endOfGeneration
                return false
            }
            generated.append(next)
            history.append(next)
            text += decoder.append(next)
            if !parameters.stopStrings.isEmpty, let cut = Self.firstStop(in: text, parameters.stopStrings) {
                text = String(text[..<cut])
                reason = .stopString
                return false
            }
            // Pass on what can no longer become part of a stop string.
            let safe = max(emitted, text.count - holdBack)
            if safe > emitted {
                let start = text.index(text.startIndex, offsetBy: emitted)
                let end = text.index(text.startIndex, offsetBy: safe)
                emitted = safe
                if !onText(String(text[start..<end])) { reason = .cancelled; return false }
            }
            if generated.count >= parameters.maxTokens { return false }
            if model.position - pending + 1 > model.contextLength { reason = .contextFull; return false }
            return true
        }
        let drafting = parameters.temperature <= 0 ? min(max(parameters.draftTokens, 0), LanguageModel.maxStepTokens - 1) : 0
        var drafted = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        let first = try model.forward(Array(prompt[cached...]))
        let t1 = DispatchTime.now().uptimeNanoseconds
        var next = parameters.maxTokens > 0 ? pick(first) : 0
        loop: while generated.count < parameters.maxTokens, accept(next) {
            let room = min(drafting, parameters.maxTokens - generated.count - 1, model.contextLength - model.position - 1)
            let drafts = room > 0 ? Self.draft(after: history, limit: room) : []
            if drafts.isEmpty {
                next = pick(try model.forward([next]))
                continue
            }
            // The rows are the logits after `next` and after each draft. A draft stands while it is the token
            // its row picks; the KV entries from the first one refused (or past the end) are dropped, which
            // leaves the cache as one-token steps would.
            let rows = try model.forwardEach([next] + drafts)
            next = pick(rows[0])
            for (index, draft) in drafts.enumerated() {
                guard next == draft, accept(draft, pending: drafts.count - index) else {
                    model.truncate(to: model.position - (drafts.count - index))
                    if next == draft { break loop }
                    continue loop
                }
                drafted += 1
                next = pick(rows[index + 1])
            }
        }
        if reason != .stopString { text += decoder.flush() }
        if emitted < text.count && reason != .cancelled {
            _ = onText(String(text[text.index(text.startIndex, offsetBy: emitted)...]))
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        var result = GenerationResult(promptTokens: prompt.count, tokens: generated, text: text, stopReason: reason,
                                      prefillSeconds: Double(t1 - t0) / 1e9, decodeSeconds: Double(t2 - t1) / 1e9)
        result.cachedTokens = cached
        result.draftedTokens = drafted
        return result
    }

    /// Up to `limit` tokens that followed the latest earlier occurrence of the last three (else two) tokens
    /// of `history`: what the text would say if it went on copying (prompt-lookup drafting).
    static func draft(after history: [Int32], limit: Int) -> [Int32] {
        let count = history.count
        for n in [3, 2] where count > n {
            var start = count - n - 1
            while start >= 0 {
                var match = true
                for i in 0..<n where history[start + i] != history[count - n + i] { match = false; break }
                if match { return Array(history[(start + n)..<min(start + n + limit, count)]) }
                start -= 1
            }
        }
        return []
    }

    static func firstStop(in text: String, _ stops: [String]) -> String.Index? {
        var best: String.Index?
        for s in stops where !s.isEmpty {
            if let r = text.range(of: s), best == nil || r.lowerBound < best! { best = r.lowerBound }
        }
        return best
    }
}
