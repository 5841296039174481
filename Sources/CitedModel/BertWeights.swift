import Foundation

extension Bert {
    /// One encoder layer's weights, PyTorch `(out, in)` layout; Q, K and V fused into one matrix.
    public struct LayerWeights: Sendable {
        /// (3·hidden, hidden): query rows, then key rows, then value rows.
        public var qkv: [Float]
        public var qkvBias: [Float]
        /// (hidden, hidden)
        public var attentionOutput: [Float]
        public var attentionOutputBias: [Float]
        public var attentionNormGamma: [Float]
        public var attentionNormBeta: [Float]
        /// (intermediate, hidden)
        public var intermediate: [Float]
        public var intermediateBias: [Float]
        /// (hidden, intermediate)
        public var output: [Float]
        public var outputBias: [Float]
        public var outputNormGamma: [Float]
        public var outputNormBeta: [Float]
    }

    /// All weights of a BERT encoder, converted to fp32.
    public struct Weights: Sendable {
        /// (vocabulary, hidden)
        public var wordEmbeddings: [Float]
        /// (maxPositions, hidden)
        public var positionEmbeddings: [Float]
        /// (typeVocabulary, hidden)
        public var tokenTypeEmbeddings: [Float]
        public var embeddingNormGamma: [Float]
        public var embeddingNormBeta: [Float]
        public var layers: [LayerWeights]

        /// Loads every tensor by its Hugging Face name (with or without a `bert.` prefix), shapes checked.
        public init(file: SafetensorsFile, configuration c: Configuration) throws {
            let prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
            func t(_ name: String, _ shape: [Int]) throws -> [Float] { try file.floats(prefix + name, shape: shape) }
            let h = c.hiddenSize, i = c.intermediateSize
            wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabularySize, h])
            positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositions, h])
            tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h])
            embeddingNormGamma = try t("embeddings.LayerNorm.weight", [h])
            embeddingNormBeta = try t("embeddings.LayerNorm.bias", [h])
            layers = try (0..<c.layerCount).map { l in
                let p = "encoder.layer.\(l)."
                return LayerWeights(
                    qkv: try t(p + "attention.self.query.weight", [h, h]) + t(p + "attention.self.key.weight", [h, h])
                        + t(p + "attention.self.value.weight", [h, h]),
                    qkvBias: try t(p + "attention.self.query.bias", [h]) + t(p + "attention.self.key.bias", [h])
                        + t(p + "attention.self.value.bias", [h]),
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
