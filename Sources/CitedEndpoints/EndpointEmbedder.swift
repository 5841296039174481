import CitedAnswer
import CitedCore
import Foundation

/// Sentence vectors from an OpenAI-compatible `/v1/embeddings` server (`--embedder endpoint:NAME`): texts in
/// batches of `batch_size`, at most `max_in_flight` requests at once, each vector L2-normalised here.
///
/// The stamp names the endpoint and records the server's model name and the dimension it returned, so an
/// index embedded through one endpoint model refuses queries embedded by another (`Retriever.sameSpace`).
public final class EndpointEmbedder: Embedder {
    public let client: EndpointClient
    public let stamp: EmbedderStamp

    /// Connects lazily: the dimension is learned from one embedding of a probe text, unless `dimension` is
    /// given (an index's stamp), in which case every vector returned is checked against it.
    public init(client: EndpointClient, dimension: Int? = nil, chunkerVersion: Int) throws {
        self.client = client
        let configuration = client.configuration
        let known: Int
        if let dimension {
            known = dimension
        } else {
            let vectors = try Self.request(client, ["dimension probe"])
            guard let first = vectors.first, !first.isEmpty else {
                throw EndpointError.malformedResponse(endpoint: configuration.name, url: client.url("embeddings"),
                                                      reason: "an empty vector")
            }
            known = first.count
        }
        stamp = EmbedderStamp(name: Self.stampName(configuration), weightsSHA256: Self.modelTag(configuration),
                              dimension: known, pooling: "endpoint", tokenLimit: configuration.tokenLimit,
                              chunkerVersion: chunkerVersion)
    }

    /// `endpoint:NAME`: what `index status` shows and what a later query resolves in cited.toml.
    public static func stampName(_ configuration: EndpointConfiguration) -> String {
        EndpointConfiguration.prefix + configuration.name
    }

    /// Stored where a local embedder's weights hash goes: the server's model name.
    public static func modelTag(_ configuration: EndpointConfiguration) -> String { "model:" + configuration.model }

    public func embed(_ texts: [String]) throws -> [Float] {
        guard !texts.isEmpty else { return [] }
        let client = client
        let batches = stride(from: 0, to: texts.count, by: client.configuration.batchSize).map {
            Array(texts[$0..<min($0 + client.configuration.batchSize, texts.count)])
        }
        let limit = client.configuration.maxInFlight
        let dimension = stamp.dimension
        let rows = try Blocking.run {
            try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                var next = 0
                var results = [[[Float]]](repeating: [], count: batches.count)
                func add(_ group: inout ThrowingTaskGroup<(Int, [[Float]]), Error>) {
                    let index = next
                    let batch = batches[index]
                    group.addTask { (index, try await Self.requestAsync(client, batch)) }
                    next += 1
                }
                while next < min(limit, batches.count) { add(&group) }
                while let (index, vectors) = try await group.next() {
                    results[index] = vectors
                    if next < batches.count { add(&group) }
                }
                return results.flatMap { $0 }
            }
        }
        var flat = [Float]()
        flat.reserveCapacity(texts.count * dimension)
        for vector in rows {
            guard vector.count == dimension else {
                throw EndpointError.malformedResponse(endpoint: client.configuration.name, url: client.url("embeddings"),
                                                      reason: "a vector of \(vector.count) dimensions, expected \(dimension)")
            }
            flat += Self.normalised(vector)
        }
        return flat
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        var sum: Double = 0
        for value in vector { sum += Double(value) * Double(value) }
        let norm = sum.squareRoot()
        return norm > 0 ? vector.map { Float(Double($0) / norm) } : vector
    }

    struct Response: Decodable {
        struct Item: Decodable {
            let index: Int?
            let embedding: [Float]
        }
        let data: [Item]
    }

    static func request(_ client: EndpointClient, _ texts: [String]) throws -> [[Float]] {
        try Blocking.run { try await requestAsync(client, texts) }
    }

    /// One `/embeddings` request: the vectors in input order.
    static func requestAsync(_ client: EndpointClient, _ texts: [String]) async throws -> [[Float]] {
        let body = try JSONSerialization.data(withJSONObject: ["model": client.configuration.model, "input": texts],
                                              options: [.sortedKeys])
        let response = try await client.postJSON("embeddings", body: body, as: Response.self)
        guard response.data.count == texts.count else {
            throw EndpointError.malformedResponse(endpoint: client.configuration.name, url: client.url("embeddings"),
                                                  reason: "\(response.data.count) vectors for \(texts.count) texts")
        }
        let ordered = response.data.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
        return ordered.map(\.element.embedding)
    }
}
