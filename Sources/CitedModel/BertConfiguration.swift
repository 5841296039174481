import Foundation

/// BERT-family encoders (Devlin et al. 2019) as sentence embedders: configuration, weights, forward pass.
public enum Bert {}

/// Errors loading a BERT checkpoint, each naming the file.
public enum BertError: Error, CustomStringConvertible {
    case badConfiguration(file: String, reason: String)
    case unsupported(file: String, reason: String)
    case inputTooLong(tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case let .badConfiguration(file, reason): "\(file): \(reason)"
        case let .unsupported(file, reason): "\(file): unsupported: \(reason)"
        case let .inputTooLong(tokens, limit): "input of \(tokens) tokens exceeds the model's \(limit) positions"
        }
    }
}

extension Bert {
    /// Hyper-parameters from the checkpoint's `config.json`, loaded once.
    public struct Configuration: Sendable, Equatable {
        public var hiddenSize: Int
        public var layerCount: Int
        public var headCount: Int
        public var intermediateSize: Int
        public var layerNormEpsilon: Float
        public var maxPositions: Int
        public var vocabularySize: Int
        public var typeVocabularySize: Int

        public var headDimension: Int { hiddenSize / headCount }

        public init(hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
                    layerNormEpsilon: Float = 1e-12, maxPositions: Int = 512, vocabularySize: Int,
                    typeVocabularySize: Int = 2) {
            self.hiddenSize = hiddenSize
            self.layerCount = layerCount
            self.headCount = headCount
            self.intermediateSize = intermediateSize
            self.layerNormEpsilon = layerNormEpsilon
            self.maxPositions = maxPositions
            self.vocabularySize = vocabularySize
            self.typeVocabularySize = typeVocabularySize
        }

        /// Reads a Hugging Face `config.json` of a BERT model with absolute positions and GELU.
        public init(contentsOf url: URL) throws {
            let file = url.path
            guard FileManager.default.fileExists(atPath: file) else {
                throw BertError.badConfiguration(file: file, reason: "missing (not a BERT checkpoint folder?)")
            }
            // Only a regular file of plausible size is read (a FIFO would block, a huge file fill memory).
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & 0o170000 == 0o100000 else {
                throw BertError.badConfiguration(file: file, reason: "not a regular file")
            }
            guard info.st_size <= 1 << 20 else { throw BertError.badConfiguration(file: file, reason: "larger than 1 MB") }
            guard let data = try? Data(contentsOf: url),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw BertError.badConfiguration(file: file, reason: "not a readable JSON object")
            }
            func int(_ key: String) throws -> Int {
                guard let number = json[key] as? NSNumber, number.doubleValue >= 1, number.doubleValue <= 1e9,
                      let v = Int(exactly: number.doubleValue) else {
                    throw BertError.badConfiguration(file: file, reason: "missing or invalid \(key)")
                }
                return v
            }
            if let act = json["hidden_act"] as? String, act != "gelu" {
                throw BertError.unsupported(file: file, reason: "hidden_act \(act) (only exact-erf gelu)")
            }
            if let pos = json["position_embedding_type"] as? String, pos != "absolute" {
                throw BertError.unsupported(file: file, reason: "position_embedding_type \(pos)")
            }
            self.init(hiddenSize: try int("hidden_size"), layerCount: try int("num_hidden_layers"),
                      headCount: try int("num_attention_heads"), intermediateSize: try int("intermediate_size"),
                      layerNormEpsilon: (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12,
                      maxPositions: try int("max_position_embeddings"), vocabularySize: try int("vocab_size"),
                      typeVocabularySize: json["type_vocab_size"] == nil ? 2 : try int("type_vocab_size"))
            // Ranges checked before buffers are sized from them.
            for (key, value, range) in [("hidden_size", hiddenSize, 1...(1 << 14)), ("num_hidden_layers", layerCount, 1...256),
                                        ("num_attention_heads", headCount, 1...256),
                                        ("intermediate_size", intermediateSize, 1...(1 << 18)),
                                        ("max_position_embeddings", maxPositions, 1...(1 << 16)),
                                        ("vocab_size", vocabularySize, 1...(1 << 22)),
                                        ("type_vocab_size", typeVocabularySize, 1...64)]
            where !range.contains(value) {
                throw BertError.badConfiguration(file: file, reason: "\(key) \(value) is outside \(range)")
            }
            guard hiddenSize % headCount == 0 else {
                throw BertError.badConfiguration(file: file, reason: "hidden_size \(hiddenSize) not divisible by \(headCount) heads")
            }
        }
    }
}
