import CCitedKernels
import CitedTokenizer
import Foundation

/// Errors running a language model.
public enum LanguageModelError: Error, CustomStringConvertible, Equatable {
    case contextOverflow(needed: Int, limit: Int)
    case emptyInput
    case invalidToken(Int32, vocabulary: Int)
    case snapshotMismatch

    public var description: String {
        switch self {
        case .contextOverflow(let n, let l): "context overflow: \(n) tokens needed, the context holds \(l)"
        case .emptyInput: "empty prompt: nothing to run the model on"
        case .invalidToken(let t, let v): "token id \(t) is outside the vocabulary (\(v) tokens)"
        case .snapshotMismatch: "the saved KV cache was made by a model of another shape"
        }
    }
}

/// A llama/qwen2 decoder loaded from a GGUF file, with its tokenizer, chat template and KV cache.
///
/// Not thread-safe: one generation at a time. Weights stay memory-mapped; the KV cache and every
/// scratch buffer are allocated once here, so the token loop allocates nothing.
public final class LanguageModel: @unchecked Sendable {
    public let url: URL
    public let configuration: LlamaConfiguration
    public let tokenizer: BPETokenizer
    public let chatTemplate: ChatTemplate?
    /// Tokens the KV cache can hold.
    public let contextLength: Int
    /// Tokens already in the KV cache.
    public internal(set) var position = 0

    let file: GGUFFile
    let weights: LlamaWeights
    let maxBatch: Int
    let state: LlamaState

    /// Loads `url`; `contextLength` defaults to 4,096 (capped by the model's trained context).
    public init(url: URL, contextLength: Int? = nil, maxBatch: Int = 512) throws {
        self.url = url
        file = try GGUFFile(url: url)
        configuration = try LlamaConfiguration(gguf: file)
        weights = try LlamaWeights(gguf: file, config: configuration)
        tokenizer = try BPETokenizer(gguf: file)
        chatTemplate = try? ChatTemplate(gguf: file)
        let ctx = min(contextLength ?? 4096, configuration.trainedContext)
        guard ctx > 0 else { throw LanguageModelError.contextOverflow(needed: 1, limit: ctx) }
        self.contextLength = ctx
        self.maxBatch = max(1, min(maxBatch, ctx))
        state = LlamaState(config: configuration, weights: weights, context: ctx, maxBatch: self.maxBatch)
    }

    /// A short name: the file name without extension.
    public var name: String { url.deletingPathExtension().lastPathComponent }

    /// Called with each intermediate tensor of the next forward passes (llama.cpp's names, e.g.
    /// `attn_norm-0`, `l_out-23`, `result_norm`); for comparisons with a reference engine.
    public var activationObserver: ActivationObserver? {
        get { state.observer }
        set { state.observer = newValue }
    }

    /// Forgets the KV cache.
    public func reset() { position = 0 }

    /// Rewinds the cache to `newPosition` tokens (keeps a shared prefix).
    public func truncate(to newPosition: Int) { position = max(0, min(position, newPosition)) }

    /// Runs `tokens` after the cached ones and returns the logits of the last one (valid until the next call).
    @discardableResult
    public func forward(_ tokens: [Int32]) throws -> UnsafeMutableBufferPointer<Float> {
        try check(tokens)
        var start = 0
        while start < tokens.count {
            let n = min(maxBatch, tokens.count - start)
            tokens.withUnsafeBufferPointer { buf in
                state.run(UnsafeBufferPointer(rebasing: buf[start..<(start + n)]), at: position,
                          logitRows: start + n == tokens.count ? .last : .none)
            }
            position += n
            start += n
        }
        return state.logits
    }

    /// The most tokens `forwardEach` takes.
    public static let maxStepTokens = LlamaState.stepRows

    /// Runs `tokens` (1...`maxStepTokens`) after the cached ones and returns the logits after each of them,
    /// every row bit-equal to what one-token `forward` calls would return: drafted tokens are checked in one
    /// pass over the weights (valid until the next call).
    public func forwardEach(_ tokens: [Int32]) throws -> [UnsafeMutableBufferPointer<Float>] {
        try check(tokens)
        precondition(tokens.count <= Self.maxStepTokens, "forwardEach takes at most \(Self.maxStepTokens) tokens")
        tokens.withUnsafeBufferPointer { state.run($0, at: position, logitRows: .each) }
        position += tokens.count
        let vocab = configuration.vocabularySize
        return (0..<tokens.count).map { UnsafeMutableBufferPointer(rebasing: state.rowLogits[($0 * vocab)..<(($0 + 1) * vocab)]) }
    }

    /// Throws unless `tokens` is non-empty, fits the context and names only vocabulary ids.
    func check(_ tokens: [Int32]) throws {
        guard !tokens.isEmpty else { throw LanguageModelError.emptyInput }
        guard position + tokens.count <= contextLength else {
            throw LanguageModelError.contextOverflow(needed: position + tokens.count, limit: contextLength)
        }
        let vocab = configuration.vocabularySize
        for t in tokens where t < 0 || Int(t) >= vocab {
            throw LanguageModelError.invalidToken(t, vocabulary: vocab)
        }
    }
}

extension LanguageModel {
    /// Threads the kernels split rows over (default 2).
    public static func setThreads(_ n: Int) { cq_set_threads(Int32(n)) }
}
