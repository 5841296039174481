import CitedEngine
import CitedRetrieve
import CitedStore
import Foundation
import Hummingbird

/// `POST /v1/search` body: `{"query", "k", "mode", "filters"}`; filters as `{"year": "2015-"}` or `["year=2015-"]`.
struct SearchRequest: Decodable {
    var query: String
    var k: Int?
    var mode: String?
    var filters: [String]

    enum CodingKeys: String, CodingKey { case query, k, mode, filters }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        query = try container.decode(String.self, forKey: .query)
        k = try container.decodeIfPresent(Int.self, forKey: .k)
        mode = try container.decodeIfPresent(String.self, forKey: .mode)
        if let object = try? container.decodeIfPresent([String: String].self, forKey: .filters) {
            filters = object.keys.sorted().map { "\($0)=\(object[$0]!)" }
        } else {
            filters = try container.decodeIfPresent([String].self, forKey: .filters) ?? []
        }
    }

    /// The search parameters, or a one-line reason the request is refused.
    func parameters() throws -> SearchParameters {
        guard query.contains(where: { $0.isLetter || $0.isNumber }) else { throw RequestProblem("the query has no words") }
        var parameters = SearchParameters()
        if let k {
            guard (1...1000).contains(k) else { throw RequestProblem("k must be in 1...1000") }
            parameters.k = k
        }
        if let mode {
            guard let parsed = SearchMode(rawValue: mode) else { throw RequestProblem("mode must be hybrid, dense or bm25") }
            parameters.mode = parsed
        }
        for filter in filters { try parameters.filters.apply(filter) }
        return parameters
    }
}

/// A request the server refuses with 400 and this message.
struct RequestProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CitedServer {
    func addSearchRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/search") { request, _ -> Response in
            let search = try await decodeBody(SearchRequest.self, of: request)
            let parameters = try search.parameters()
            let result = try await engine.search(search.query, parameters: parameters)
            return try JSONBody.response(SearchOutput(query: search.query, mode: parameters.mode.rawValue, results: result.hits))
        }
        // References hold slashes (library/functools.rst.txt:120): everything after the prefix is the reference.
        router.get("/v1/passages/**") { request, context -> Response in
            let raw = context.parameters.getCatchAll().joined(separator: "/")
            let reference = raw.removingPercentEncoding ?? raw
            let context = request.uri.queryParameters.get("context", as: Int.self) ?? 1
            guard (0...100).contains(context) else { throw RequestProblem("context must be in 0...100") }
            return try JSONBody.response(try await engine.show(reference, context: context))
        }
        router.get("/v1/answers/{id}") { _, context -> Response in
            guard let id = context.parameters.get("id", as: Int64.self), id > 0 else {
                throw RequestProblem("an answer id is a positive number")
            }
            return try JSONBody.response(AuditView(try await engine.answerRecord(id: id)))
        }
        router.get("/healthz") { _, _ -> Response in
            let engine = engine
            let status = try await engine.status()
            return try JSONBody.response(Health(status: "ok", documents: status.documents, passages: status.passages,
                                                vectors: status.vectors.vectors, asksInFlight: engine.askLoad.inFlight))
        }
        router.get("/metrics") { _, _ -> Response in
            let load = engine.askLoad
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.text(askInFlight: load.inFlight,
                                                                                    askWaiting: load.waiting))))
        }
    }
}

/// `GET /healthz`.
struct Health: Encodable {
    var status: String
    var documents: Int
    var passages: Int
    var vectors: Int
    var asksInFlight: Int

    enum CodingKeys: String, CodingKey {
        case status, documents, passages, vectors
        case asksInFlight = "asks_in_flight"
    }
}

/// `GET /v1/answers/{id}`: the audit record, its JSON columns as JSON.
struct AuditView: Encodable {
    let record: AnswerRecord

    init(_ record: AnswerRecord) { self.record = record }

    enum CodingKeys: String, CodingKey {
        case id, question, domain, model, embedder, seed, parameters, retrieved, answer, abstained
        case createdAt = "created_at", modelSHA256 = "model_sha256", embedderSHA256 = "embedder_sha256"
        case promptSHA256 = "prompt_sha256", totalMS = "total_ms"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(ISO8601DateFormatter().string(from: record.createdAt), forKey: .createdAt)
        try container.encode(record.question, forKey: .question)
        try container.encode(record.domain, forKey: .domain)
        try container.encode(record.model, forKey: .model)
        try container.encode(record.modelSHA256, forKey: .modelSHA256)
        try container.encode(record.embedder, forKey: .embedder)
        try container.encode(record.embedderSHA256, forKey: .embedderSHA256)
        try container.encode(record.promptSHA256, forKey: .promptSHA256)
        try container.encode(record.seed, forKey: .seed)
        try container.encode(RawJSON(record.parameters), forKey: .parameters)
        try container.encode(RawJSON(record.retrieved), forKey: .retrieved)
        try container.encode(RawJSON(record.answer), forKey: .answer)
        try container.encode(record.abstained, forKey: .abstained)
        try container.encode(record.totalMS, forKey: .totalMS)
    }
}

/// A stored JSON text re-encoded as the JSON value it holds (null when it does not parse).
struct RawJSON: Encodable {
    let value: JSONValue

    init(_ text: String) {
        value = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}

/// Any JSON value.
indirect enum JSONValue: Codable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
