import AsyncHTTPClient
import CitedAnswer
import Foundation
import NIOCore

/// What one chat completion asks of the server: greedy by default, like the local engine.
public struct ChatParameters: Sendable {
    public var maxTokens: Int
    public var temperature: Double = 0
    public var seed: UInt64 = 0
    public var stop: [String] = []
    /// Passage numbers citation markers may name (for the server's constrained decoding; nil: unconstrained).
    public var allowedCitations: Set<Int>?
    /// Whether the answer may open with "NOT IN SOURCES" (barred by the server's constraint when false).
    public var mayDecline = true

    public init(maxTokens: Int, temperature: Double = 0, seed: UInt64 = 0, stop: [String] = [],
                allowedCitations: Set<Int>? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.seed = seed
        self.stop = stop
        self.allowedCitations = allowedCitations
    }
}

/// A finished chat completion.
public struct ChatResult: Sendable {
    public var text: String
    /// Why the server stopped (`stop`, `length`), or `stop-string` when Cited cut the text at a stop string.
    public var finishReason: String
    /// Requests made (more than one when a failure was retried).
    public var attempts: Int
    /// Seconds from sending the request to the first text.
    public var firstTextSeconds: Double
}

extension EndpointClient {
    /// The request body for `/chat/completions` (streamed), with the constraint the endpoint supports.
    func chatBody(system: String?, user: String, history: [(user: String, assistant: String)] = [],
                  parameters: ChatParameters) throws -> Data {
        var messages: [[String: String]] = []
        if let system { messages.append(["role": "system", "content": system]) }
        for turn in history {
            messages.append(["role": "user", "content": turn.user])
            messages.append(["role": "assistant", "content": turn.assistant])
        }
        messages.append(["role": "user", "content": user])
        var body: [String: Any] = [
            "model": configuration.model, "messages": messages, "stream": true,
            "max_tokens": parameters.maxTokens, "temperature": parameters.temperature,
            "seed": Int64(bitPattern: parameters.seed & 0x7FFF_FFFF),
        ]
        if !parameters.stop.isEmpty { body["stop"] = parameters.stop }
        if parameters.temperature == 0 {
            // Plain greedy decoding, as the local engine: no repetition penalty (llama.cpp's default is 1.1).
            body["top_p"] = 1
            if configuration.constrain == .grammar { body["repeat_penalty"] = 1.0 }
        }
        // Sent as configured, greedy or not (llama.cpp servers apply their 1.1 otherwise).
        if let penalty = configuration.repeatPenalty { body["repeat_penalty"] = penalty }
        if let allowed = parameters.allowedCitations {
            switch configuration.constrain {
            case .grammar: body["grammar"] = CitationGrammar.gbnf(allowed: allowed, mayDecline: parameters.mayDecline)
            case .guidedRegex: body["guided_regex"] = CitationGrammar.regex(allowed: allowed, mayDecline: parameters.mayDecline)
            case .none: break
            }
        }
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// Streams a chat completion (server-sent events), calling `onText` with each piece of text as it
    /// arrives. A failure before any text was passed on is retried like any request; after that, a stream
    /// that ends without the server's end mark (or stalls past `timeout_s`) throws `.streamCut` / `.timeout`
    /// — the caller must not keep the partial text.
    /// `history`: earlier user/assistant exchanges, sent before `user` (a worked example).
    public func streamChat(system: String?, user: String, history: [(user: String, assistant: String)] = [],
                           parameters: ChatParameters,
                           onText: @Sendable (String) -> Void) async throws -> ChatResult {
        let body = try chatBody(system: system, user: user, history: history, parameters: parameters)
        let path = "chat/completions"
        let start = DispatchTime.now().uptimeNanoseconds
        var attemptsBefore = 0
        while true {
            let accepted = try await post(path, body: body, accept: "text/event-stream")
            let attempts = attemptsBefore + accepted.attempts
            var stream = ChatStream(stop: parameters.stop)
            var events = ServerSentEvents()
            var firstText = 0.0
            do {
                streaming: for try await chunk in accepted.response.body {
                    for data in events.feed(chunk.readableBytesView) {
                        let pieces = try stream.receive(data, endpoint: configuration.name, url: url(path))
                        for piece in pieces {
                            if firstText == 0 { firstText = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
                            onText(piece)
                        }
                        if stream.isDone { break streaming }
                    }
                }
            } catch let error as EndpointError {
                throw error
            } catch {
                let timedOut = (error as? HTTPClientError).map { $0 == .readTimeout || $0 == .deadlineExceeded } ?? false
                if error is CancellationError || (error as? HTTPClientError) == .cancelled { throw EndpointError.cancelled }
                // Nothing passed on yet: the whole request may be made again.
                if stream.emitted == 0 && attempts <= configuration.retries {
                    attemptsBefore = attempts
                    try await Task.sleep(nanoseconds: UInt64(configuration.backoffSeconds * 1e9))
                    continue
                }
                if timedOut {
                    throw EndpointError.timeout(endpoint: configuration.name, url: url(path),
                                                seconds: configuration.timeoutSeconds, attempts: attempts)
                }
                throw EndpointError.streamCut(endpoint: configuration.name, url: url(path),
                                              receivedCharacters: stream.emitted)
            }
            guard stream.isDone else {
                if stream.emitted == 0 && attempts <= configuration.retries {
                    attemptsBefore = attempts
                    try await Task.sleep(nanoseconds: UInt64(configuration.backoffSeconds * 1e9))
                    continue
                }
                throw EndpointError.streamCut(endpoint: configuration.name, url: url(path), receivedCharacters: stream.emitted)
            }
            for piece in stream.flush() { onText(piece) }
            return ChatResult(text: stream.text, finishReason: stream.finishReason ?? "stop", attempts: attempts,
                              firstTextSeconds: firstText)
        }
    }
}

/// The text of a streamed chat completion, chunk by chunk: cut at the first stop string (in case the server
/// ignores `stop`), and passed on only once no stop string can start in it.
struct ChatStream {
    let stop: [String]
    /// The answer so far (up to a stop string, when one appeared).
    private(set) var text = ""
    /// Characters of `text` already passed on.
    private(set) var emitted = 0
    private(set) var finishReason: String?
    /// The server sent `[DONE]`, or a finish reason, or a stop string appeared.
    private(set) var isDone = false

    init(stop: [String]) { self.stop = stop.filter { !$0.isEmpty } }

    struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { let content: String? }
            let delta: Delta?
            let finish_reason: String?
        }
        struct Failure: Decodable { let message: String? }
        let choices: [Choice]?
        let error: Failure?
    }

    /// One event's data; returns the text that may be passed on now.
    mutating func receive(_ data: String, endpoint: String, url: String) throws -> [String] {
        if isDone { return [] }
        if data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            isDone = true
            return flush()
        }
        let chunk: Chunk
        do {
            chunk = try JSONDecoder().decode(Chunk.self, from: Data(data.utf8))
        } catch {
            throw EndpointError.malformedResponse(endpoint: endpoint, url: url,
                                                  reason: "a stream event is not JSON: \(data.prefix(120))")
        }
        if let failure = chunk.error {
            throw EndpointError.malformedResponse(endpoint: endpoint, url: url,
                                                  reason: "the stream reported an error: \(failure.message ?? "(no message)")")
        }
        guard let choices = chunk.choices else {
            throw EndpointError.malformedResponse(endpoint: endpoint, url: url, reason: "a stream event has no choices")
        }
        guard let choice = choices.first else { return [] }
        text += choice.delta?.content ?? ""
        if let reason = choice.finish_reason { finishReason = reason }
        for stopString in stop {
            if let range = text.range(of: stopString) {
                text = String(text[..<range.lowerBound])
                finishReason = "stop-string"
                isDone = true
                return flush()
            }
        }
        return release(holdingBack: true)
    }

    /// Everything not yet passed on.
    mutating func flush() -> [String] { release(holdingBack: false) }

    /// The text after `emitted`, less (when `holdingBack`) a tail that could begin a stop string.
    private mutating func release(holdingBack: Bool) -> [String] {
        let characters = Array(text)
        var end = characters.count
        if holdingBack {
            for stopString in stop {
                let pattern = Array(stopString)
                for length in stride(from: min(pattern.count - 1, characters.count), through: 1, by: -1)
                where Array(characters.suffix(length)) == Array(pattern.prefix(length)) {
                    end = min(end, characters.count - length)
                    break
                }
            }
        }
        guard end > emitted else { return [] }
        let piece = String(characters[emitted..<end])
        emitted = end
        return [piece]
    }
}
