import AsyncHTTPClient
import CitedAnswer
import Foundation
import NIOCore
import NIOHTTP1

/// Talks to one OpenAI-compatible server: JSON requests with the endpoint's key, timeouts and retries.
///
/// Retried (up to `retries` more times, waiting `backoff_s` doubled each time, or the server's `Retry-After`):
/// a connection that could not be made, no response within `timeout_s`, HTTP 429, 500, 502, 503 and 504.
/// Everything else fails at once with an `EndpointError` naming the endpoint.
public final class EndpointClient: Sendable {
    public let configuration: EndpointConfiguration
    private let http: HTTPClient
    private let apiKey: String?

    /// - Parameter environment: where the API key variable is looked up (the process environment by default).
    public init(_ configuration: EndpointConfiguration,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.configuration = configuration
        if let variable = configuration.apiKeyEnvironment {
            guard let key = environment[variable], !key.isEmpty else {
                throw EndpointError.missingAPIKey(endpoint: configuration.name, variable: variable)
            }
            apiKey = key
        } else {
            apiKey = nil
        }
        http = HTTPClients.client(timeoutSeconds: configuration.timeoutSeconds)
    }

    /// `base_url` + `/` + `path`.
    public func url(_ path: String) -> String { configuration.baseURL + "/" + path }

    /// A response whose head arrived with a 2xx status (its body still to be read).
    struct Accepted {
        let response: HTTPClientResponse
        let attempts: Int
    }

    /// POSTs `body` as JSON to `path`, retrying what is worth retrying, until a 2xx response head arrives.
    func post(_ path: String, body: Data, accept: String = "application/json") async throws -> Accepted {
        let url = url(path)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: accept)
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let name = configuration.name
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            var failure: EndpointError
            var wait = configuration.backoffSeconds * pow(2, Double(attempt - 1))
            do {
                let response = try await http.execute(request, timeout: .nanoseconds(Int64(configuration.timeoutSeconds * 1e9)))
                let code = Int(response.status.code)
                if (200..<300).contains(code) { return Accepted(response: response, attempts: attempt) }
                let text = try await Self.excerpt(response)
                failure = .status(endpoint: name, url: url, code: code, body: text, attempts: attempt)
                guard Self.retriedStatuses.contains(code) else { throw failure }
                if let retryAfter = response.headers.first(name: "Retry-After").flatMap(Self.seconds(retryAfter:)) {
                    guard retryAfter <= configuration.maxRetryAfterSeconds else { throw failure }
                    wait = retryAfter
                }
            } catch let error as EndpointError {
                throw error
            } catch is CancellationError {
                throw EndpointError.cancelled
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
                        || error == .connectTimeout {
                failure = .timeout(endpoint: name, url: url, seconds: configuration.timeoutSeconds, attempts: attempt)
            } catch let error as HTTPClientError where error == .cancelled {
                throw EndpointError.cancelled
            } catch {
                failure = .unreachable(endpoint: name, url: url, attempts: attempt, reason: Self.reason(error))
            }
            guard attempt <= configuration.retries else { throw failure }
            try await Task.sleep(nanoseconds: UInt64(max(wait, 0) * 1e9))
        }
    }

    /// POSTs a JSON request and decodes the whole JSON response.
    func postJSON<Response: Decodable>(_ path: String, body: Data, as type: Response.Type,
                                       maxBytes: Int = 256 << 20) async throws -> Response {
        let accepted = try await post(path, body: body)
        let bytes: ByteBuffer
        do {
            bytes = try await accepted.response.body.collect(upTo: maxBytes)
        } catch let error as HTTPClientError where error == .readTimeout {
            throw EndpointError.timeout(endpoint: configuration.name, url: url(path), seconds: configuration.timeoutSeconds,
                                        attempts: accepted.attempts)
        } catch {
            throw EndpointError.malformedResponse(endpoint: configuration.name, url: url(path),
                                                  reason: "body not read: \(Self.reason(error))")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(bytes.readableBytesView))
        } catch {
            throw EndpointError.malformedResponse(endpoint: configuration.name, url: url(path),
                                                  reason: "not the expected JSON (\(Self.reason(error)))")
        }
    }

    static let retriedStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// `Retry-After` as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date).
    static func seconds(retryAfter value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max($0.timeIntervalSinceNow, 0) }
    }

    /// The start of an error response's body, on one line (its `error.message` when it is OpenAI's shape).
    static func excerpt(_ response: HTTPClientResponse) async throws -> String {
        let buffer = (try? await response.body.collect(upTo: 64 << 10)) ?? ByteBuffer()
        let data = Data(buffer.readableBytesView)
        struct OpenAIError: Decodable {
            struct Detail: Decodable { let message: String? }
            let error: Detail?
        }
        if let message = (try? JSONDecoder().decode(OpenAIError.self, from: data))?.error?.message {
            return String(message.prefix(300))
        }
        return String(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ").prefix(300))
    }

    static func reason(_ error: Error) -> String {
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// One HTTP client per timeout, made on first use and kept for the life of the process (so nothing is
/// created, and no socket opened, unless an endpoint is used).
enum HTTPClients {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var clients: [Double: HTTPClient] = [:]

    static func client(timeoutSeconds: Double) -> HTTPClient {
        lock.withLock {
            if let client = clients[timeoutSeconds] { return client }
            var configuration = HTTPClient.Configuration()
            let timeout = TimeAmount.nanoseconds(Int64(timeoutSeconds * 1e9))
            configuration.timeout = .init(connect: timeout, read: timeout)
            // A refused connection fails the attempt at once; `EndpointClient.post` retries with its own backoff.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.decompression = .disabled
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[timeoutSeconds] = client
            return client
        }
    }
}
