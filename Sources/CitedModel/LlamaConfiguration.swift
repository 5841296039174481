/// Hyper-parameters of a llama-family decoder (llama, qwen2), read once from GGUF metadata.
public struct LlamaConfiguration: Sendable, Equatable {
    public enum Architecture: String, Sendable { case llama, qwen2 }

    public var architecture: Architecture
    public var vocabularySize: Int
    public var dimension: Int
    public var layers: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDimension: Int
    public var feedForward: Int
    public var ropeBase: Float
    public var ropeDimensions: Int
    public var rmsEpsilon: Float
    /// The model's trained context length.
    public var trainedContext: Int

    /// Rotate-half ("neox") RoPE for qwen2; adjacent pairs for llama (Q/K permuted by the converter).
    public var neoxRoPE: Bool { architecture == .qwen2 }

    /// Largest values accepted from a file's metadata (well above any model Cited can run on a CPU).
    public static let maxDimension = 1 << 16
    public static let maxLayers = 1024
    public static let maxHeads = 1024
    public static let maxFeedForward = 1 << 18
    public static let maxContext = 1 << 24
    public static let maxVocabulary = 1 << 22

    /// Reads `general.architecture` and the `<arch>.*` keys, range-checked.
    public init(gguf: GGUFFile) throws {
        let file = gguf.url.lastPathComponent
        let archName = try gguf.string("general.architecture")
        guard let arch = Architecture(rawValue: archName) else {
            throw GGUFError.unsupportedArchitecture(file: file, architecture: archName)
        }
        architecture = arch
        let p = archName + "."
        dimension = try gguf.int(p + "embedding_length")
        layers = try gguf.int(p + "block_count")
        heads = try gguf.int(p + "attention.head_count")
        kvHeads = gguf.metadata[p + "attention.head_count_kv"]?.int ?? heads
        feedForward = try gguf.int(p + "feed_forward_length")
        headDimension = gguf.metadata[p + "attention.key_length"]?.int ?? dimension / max(heads, 1)
        ropeBase = Float(gguf.metadata[p + "rope.freq_base"]?.double ?? 10000)
        ropeDimensions = gguf.metadata[p + "rope.dimension_count"]?.int ?? headDimension
        rmsEpsilon = Float(try gguf.value(p + "attention.layer_norm_rms_epsilon").double ?? 1e-5)
        trainedContext = try gguf.int(p + "context_length")
        let embd = try gguf.tensor("token_embd.weight")
        vocabularySize = gguf.metadata[p + "vocab_size"]?.int ?? embd.rows
        // Ranges checked before anything is sized from them (KV cache, logits, scratch buffers).
        for (key, value, range) in [("embedding_length", dimension, 1...Self.maxDimension),
                                    ("block_count", layers, 1...Self.maxLayers),
                                    ("attention.head_count", heads, 1...Self.maxHeads),
                                    ("attention.head_count_kv", kvHeads, 1...Self.maxHeads),
                                    ("feed_forward_length", feedForward, 1...Self.maxFeedForward),
                                    ("context_length", trainedContext, 1...Self.maxContext),
                                    ("vocab_size", vocabularySize, 1...Self.maxVocabulary)]
        where !range.contains(value) {
            throw GGUFError.malformed(file: file, reason: "\(p)\(key) \(value) is outside \(range)")
        }
        guard vocabularySize == embd.rows else {
            throw GGUFError.malformed(file: file, reason:
                "vocabulary of \(vocabularySize) tokens but token_embd.weight has \(embd.rows) rows")
        }
        guard heads > 0, kvHeads > 0, heads % kvHeads == 0, headDimension > 0, headDimension <= 512,
              ropeDimensions <= headDimension, ropeDimensions % 2 == 0 else {
            throw GGUFError.malformed(file: file, reason:
                "inconsistent attention shape: \(heads) heads, \(kvHeads) KV heads, head size \(headDimension)")
        }
    }
}
