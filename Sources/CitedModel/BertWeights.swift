import Foundation

extension Bert {
    /// One encoder layer's weights, PyTorch `(out, in)` layout.
    public struct LayerWeights: Sendable {
        /// (hidden, hidden) each.
        public var query: Tensor
        public var key: Tensor
        public var value: Tensor
        /// Query, key and value biases, one after another.
        public var qkvBias: Tensor
        /// (hidden, hidden)
        public var attentionOutput: Tensor
        public var attentionOutputBias: Tensor
        public var attentionNormGamma: Tensor
        public var attentionNormBeta: Tensor
        /// (intermediate, hidden)
        public var intermediate: Tensor
        public var intermediateBias: Tensor
        /// (hidden, intermediate)
        public var output: Tensor
        public var outputBias: Tensor
        public var outputNormGamma: Tensor
        public var outputNormBeta: Tensor

        /// (3·hidden, hidden): query rows, then key rows, then value rows (a new copy).
        public func fusedQKV() -> Tensor { Tensor(concatenating: [query, key, value]) }
    }

    /// All weights of a BERT encoder as fp32 tensors, viewed in place in the mapped file where possible.
    public struct Weights: Sendable {
        /// (vocabulary, hidden)
        public var wordEmbeddings: Tensor
        /// (maxPositions, hidden)
        public var positionEmbeddings: Tensor
        /// (typeVocabulary, hidden)
        public var tokenTypeEmbeddings: Tensor
        public var embeddingNormGamma: Tensor
        public var embeddingNormBeta: Tensor
        public var layers: [LayerWeights]

        /// Loads every tensor by its Hugging Face name (with or without a `bert.` prefix), shapes checked.
        public init(file: SafetensorsFile, configuration c: Configuration) throws {
            let prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
            func t(_ name: String, _ shape: [Int]) throws -> Tensor { try file.tensor(prefix + name, shape: shape) }
            let h = c.hiddenSize, i = c.intermediateSize
            wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabularySize, h])
            positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositions, h])
            tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h])
            embeddingNormGamma = try t("embeddings.LayerNorm.weight", [h])
            embeddingNormBeta = try t("embeddings.LayerNorm.bias", [h])
            layers = try (0..<c.layerCount).map { l in
                let p = "encoder.layer.\(l)."
                return LayerWeights(
                    query: try t(p + "attention.self.query.weight", [h, h]),
                    key: try t(p + "attention.self.key.weight", [h, h]),
                    value: try t(p + "attention.self.value.weight", [h, h]),
                    qkvBias: Tensor(concatenating: [try t(p + "attention.self.query.bias", [h]),
                                                    try t(p + "attention.self.key.bias", [h]),
                                                    try t(p + "attention.self.value.bias", [h])]),
                    attentionOutput: try t(p + "attention.output.dense.weight", [h, h]),
                    attentionOutputBias: try t(p + "attention.output.dense.bias", [h]),
                    attentionNormGamma: try t(p + "attention.output.LayerNorm.weight", [h]),
                    attentionNormBeta: try t(p + "attention.output.LayerNorm.bias", [h]),
                    intermediate: try t(p + "intermediate.dense.weight", [i, h]),
                    intermediateBias: try t(p + "intermediate.dense.bias", [i]),
                    output: try t(p + "output.dense.weight", [h, i]),
                    outputBias: try t(p + "output.dense.bias", [h]),
                    outputNormGamma: try t(p + "output.LayerNorm.weight", [h]),
                    outputNormBeta: try t(p + "output.LayerNorm.bias", [h]))
            }
        }
    }
}
