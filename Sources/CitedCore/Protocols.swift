/// Counts the tokens a text takes in an embedder's input, special tokens included.
/// The chunker uses it to keep passages under the embedder's limit.
public protocol TokenCounter: Sendable {
    func tokenCount(_ text: String) -> Int
}

/// Turns texts into L2-normalised vectors.
public protocol Embedder: AnyObject {
    /// What the vectors were made with; stored beside every vector in the index.
    var stamp: EmbedderStamp { get }
    /// Row-major `(texts.count, stamp.dimension)` vectors, each of unit length.
    func embed(_ texts: [String]) throws -> [Float]
}

/// Identifies an embedding space: vectors with different stamps must never be compared.
public struct EmbedderStamp: Codable, Hashable, Sendable {
    public var name: String
    public var weightsSHA256: String
    public var dimension: Int
    public var pooling: String
    public var tokenLimit: Int
    public var chunkerVersion: Int

    public init(name: String, weightsSHA256: String, dimension: Int, pooling: String, tokenLimit: Int,
                chunkerVersion: Int) {
        self.name = name
        self.weightsSHA256 = weightsSHA256
        self.dimension = dimension
        self.pooling = pooling
        self.tokenLimit = tokenLimit
        self.chunkerVersion = chunkerVersion
    }
}
