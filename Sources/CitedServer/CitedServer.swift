import CitedEngine
import CitedRetrieve
import CitedStore
import Foundation
import Hummingbird
import Logging

/// `cited serve`: the engine over HTTP. OpenAI-compatible chat completions (streamed as server-sent events)
/// whose answers carry their checked citations, search, the passage and audit views, health, metrics,
/// and the web page at `/`.
public struct CitedServer: Sendable {
    public let engine: CitedEngine
    public let configuration: ServerConfiguration
    let metrics = Metrics()

    public init(engine: CitedEngine, configuration: ServerConfiguration) throws {
        self.engine = engine
        self.configuration = try configuration.validated()
    }

    /// The routes, behind metrics, error mapping and (with a token) authentication.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMapping())
        if let token = configuration.token, !token.isEmpty {
            router.add(middleware: BearerAuthentication(token: Array(token.utf8)))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        router.get("/v1/models") { _, _ -> Response in
            let names = Set(engine.options.answerConfiguration.models.values).union([engine.options.answerConfiguration.fastModel])
            let models: JSONValue = .object(["object": .string("list"), "data": .array(names.sorted().map {
                .object(["id": .string($0), "object": .string("model"), "owned_by": .string("local")])
            })])
            return try JSONBody.response(models)
        }
        addSearchRoutes(to: router)
        addChatRoutes(to: router)
        return router
    }

    /// A JSON request body, read up to the body cap (413 beyond it).
    func decodeBody<T: Decodable>(_ type: T.Type, of request: Request) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodyBytes)
        return try JSONDecoder().decode(type, from: Data(buffer: body))
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting and lets answers in flight finish.
    /// `onRunning` receives the bound port (useful with port 0: a free one).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "cited.serve")
        logger.logLevel = .warning
        let app = Application(router: router(),
                              configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                   serverName: "cited"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                              logger: logger)
        try await app.runService()
    }
}

/// Library errors as HTTP statuses with a one-line JSON message.
struct ErrorMapping<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            if error.status == .contentTooLarge { return ErrorBody.response(.contentTooLarge, "the request body is too large") }
            throw error
        } catch let error as EngineError {
            switch error {
            case .busy(let seconds):
                return ErrorBody.response(.serviceUnavailable, error.description, headers: [.retryAfter: String(seconds)])
            case .noStoredAnswer: return ErrorBody.response(.notFound, error.description)
            case .noIndex, .noVectors: return ErrorBody.response(.serviceUnavailable, error.description)
            case .cancelled: return ErrorBody.response(.init(code: 499, reasonPhrase: "Client Closed Request"), error.description)
            }
        } catch let error as StoreError {
            return ErrorBody.response(.notFound, error.description)
        } catch let error as RequestProblem {
            return ErrorBody.response(.badRequest, error.description)
        } catch let error as RetrieveError {
            return ErrorBody.response(.badRequest, error.description)
        } catch let error as DecodingError {
            return ErrorBody.response(.badRequest, "malformed JSON: \(Self.describe(error))")
        } catch {
            return ErrorBody.response(.internalServerError, "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.map(\.stringValue).joined(separator: ".") + " " + context.debugDescription)
                .trimmingCharacters(in: .whitespaces)
        @unknown default: "\(error)"
        }
    }
}
