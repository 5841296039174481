import CitedAnswer
import CitedCore
import CitedEngine
import CitedModel
import Foundation
import Hummingbird

/// `POST /v1/chat/completions` body (the OpenAI shape; unknown fields are ignored).
struct ChatRequest: Decodable {
    struct Message: Decodable {
        var role: String
        var content: String

        enum CodingKeys: String, CodingKey { case role, content }
        struct Part: Decodable { var type: String; var text: String? }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decode(String.self, forKey: .role)
            if let text = try? container.decode(String.self, forKey: .content) {
                content = text
            } else {
                let parts = try container.decodeIfPresent([Part].self, forKey: .content) ?? []
                content = parts.compactMap { $0.type == "text" ? $0.text : nil }.joined(separator: "\n")
            }
        }
    }

    var model: String?
    var messages: [Message]
    var stream: Bool?
    var maxTokens: Int?
    var seed: UInt64?

    enum CodingKeys: String, CodingKey {
        case model, messages, stream, seed
        case maxTokens = "max_tokens"
    }

    /// The ask: the last user message is the question, earlier turns feed the retrieval query.
    func settings(maxQuestionCharacters: Int) throws -> (settings: AskSettings, question: String) {
        guard let last = messages.last(where: { $0.role == "user" }) else { throw RequestProblem("no user message") }
        let question = last.content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard question.contains(where: { $0.isLetter || $0.isNumber }) else { throw RequestProblem("the question has no words") }
        guard question.count <= maxQuestionCharacters else {
            throw RequestProblem("the question is longer than \(maxQuestionCharacters) characters")
        }
        var conversation = Conversation()
        var pending: String?
        for message in messages.dropLast(messages.count - messages.lastIndex(where: { $0.role == "user" })!) {
            if message.role == "user" { pending = message.content }
            if message.role == "assistant", let asked = pending {
                conversation.append(question: asked, answer: message.content)
                pending = nil
            }
        }
        if let maxTokens, !(1...8192).contains(maxTokens) { throw RequestProblem("max_tokens must be in 1...8192") }
        // A client's model field names a local model only when it is one; anything else ("gpt-4", "cited") routes.
        let local = model.flatMap { LanguageModelLocator.knownNames.contains($0) ? $0 : nil }
        var settings = AskSettings(question: conversation.retrievalQuery(for: question), model: local)
        if let maxTokens { settings.maxTokens = maxTokens }
        if let seed { settings.seed = seed }
        return (settings, question)
    }
}

/// The OpenAI response shape, with Cited's extension fields: the checked sentences and their verdicts,
/// the citations each with the sentences that cite it, and whether the assistant abstained.
enum ChatResponse {
    /// The answer as a reader sees it: checked sentences with their markers, the references, the notice.
    static func content(of answer: Answer) -> String {
        if answer.abstained {
            var text = Answer.notFound
            if !answer.absentTerms.isEmpty {
                text += (answer.abstentionReason == .offSubject ? " The checked answer never mentions: " : " The sources never mention: ")
                    + answer.absentTerms.joined(separator: ", ") + "."
            }
            return text
        }
        var text = answer.sentences.map { sentence in
            sentence.text + sentence.citations.map { " [\($0)]" }.joined() + (sentence.support == .weak ? " (weakly supported)" : "")
        }.joined(separator: " ")
        if !answer.quotes.isEmpty {
            text += "\n\n" + Answer.quotesHeading + "\n" + answer.quotes.map { "[\($0.n)] \"\($0.text)\"" }.joined(separator: "\n")
        }
        if !answer.citations.isEmpty {
            text += "\n\nReferences:\n" + answer.citations.map { "[\($0.n)] \(reference($0.source)) · \($0.source.title)" }
                .joined(separator: "\n")
        }
        if let notice = answer.notice { text += "\n\n⚠ " + notice }
        return text
    }

    /// How a reader opens a source: its PMID, DOI, PMCID or path:line.
    static func reference(_ source: Source) -> String { source.id }

    /// The extension fields shared by the whole response and the stream's last chunk.
    static func extensions(of answer: Answer) -> [String: JSONValue] {
        let sentences = answer.sentences.map { sentence -> JSONValue in
            .object(["text": .string(sentence.text), "citations": .array(sentence.citations.map { .number(Double($0)) }),
                     "support": .string(sentence.support.rawValue)])
        }
        let citations = answer.citations.map { citation -> JSONValue in
            let citing = answer.sentences.filter { $0.citations.contains(citation.n) }.map { sentence -> JSONValue in
                .object(["text": .string(sentence.text), "support": .string(sentence.support.rawValue)])
            }
            return .object(["n": .number(Double(citation.n)), "passage_id": .number(Double(citation.passageID)),
                            "ref": .string(reference(citation.source)), "source": encoded(citation.source),
                            "title": .string(citation.source.title), "locator": .string(citation.source.locator),
                            "sentences": .array(citing)])
        }
        var fields: [String: JSONValue] = [
            "abstained": .bool(answer.abstained), "sentences": .array(sentences), "citations": .array(citations),
            "domain": .string(answer.domain.rawValue), "nearest": .array(answer.nearest.map { encoded($0) }),
            "quotes": .array(answer.quotes.map { .object(["n": .number(Double($0.n)), "text": .string($0.text)]) }),
        ]
        if let id = answer.auditID { fields["answer_id"] = .number(Double(id)) }
        if let notice = answer.notice { fields["notice"] = .string(notice) }
        if let reason = answer.abstentionReason { fields["abstention_reason"] = .string(reason.rawValue) }
        return fields
    }

    static func encoded<T: Encodable>(_ value: T) -> JSONValue {
        guard let data = try? JSONBody.encoder.encode(value) else { return .null }
        return (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null
    }

    /// The whole (non-streamed) response.
    static func completion(_ outcome: AskOutcome, id: String, created: Int) -> JSONValue {
        let answer = outcome.answer
        var fields = extensions(of: answer)
        fields["id"] = .string(id)
        fields["object"] = .string("chat.completion")
        fields["created"] = .number(Double(created))
        fields["model"] = .string(answer.model.isEmpty ? "cited" : answer.model)
        fields["choices"] = .array([.object([
            "index": .number(0), "finish_reason": .string("stop"),
            "message": .object(["role": .string("assistant"), "content": .string(content(of: answer))]),
        ])])
        fields["usage"] = .object(["prompt_tokens": .number(Double(outcome.promptTokens)),
                                   "completion_tokens": .number(Double(outcome.generatedTokens)),
                                   "total_tokens": .number(Double(outcome.promptTokens + outcome.generatedTokens))])
        return .object(fields)
    }

    /// One `chat.completion.chunk` of a stream.
    static func chunk(id: String, created: Int, model: String, delta: [String: JSONValue], finish: Bool = false,
                      extra: [String: JSONValue] = [:]) -> JSONValue {
        var fields = extra
        fields["id"] = .string(id)
        fields["object"] = .string("chat.completion.chunk")
        fields["created"] = .number(Double(created))
        fields["model"] = .string(model)
        fields["choices"] = .array([.object(["index": .number(0), "delta": .object(delta),
                                             "finish_reason": finish ? .string("stop") : .null])])
        return .object(fields)
    }

    /// The passages listed before the answer, as the stream's first chunk carries them.
    static func sources(_ passages: [PackedPassage]) -> JSONValue {
        .array(passages.map { passage in
            .object(["n": .number(Double(passage.number)), "passage_id": .number(Double(passage.passageID)),
                     "ref": .string(reference(passage.source)), "source": encoded(passage.source),
                     "title": .string(passage.source.title), "locator": .string(passage.source.locator)])
        })
    }
}

/// Holds a stream's iterator across the response body's writer (one consumer at a time).
final class EventIterator: @unchecked Sendable {
    var iterator: AsyncThrowingStream<AskEvent, Error>.AsyncIterator
    init(_ stream: AsyncThrowingStream<AskEvent, Error>) { iterator = stream.makeAsyncIterator() }
    func next() async throws -> AskEvent? { try await iterator.next() }
}

extension CitedServer {
    func addChatRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/chat/completions") { request, _ -> Response in
            let chat = try await decodeBody(ChatRequest.self, of: request)
            let (settings, question) = try chat.settings(maxQuestionCharacters: configuration.maxQuestionCharacters)
            let id = "chatcmpl-\(UUID().uuidString.prefix(12).lowercased())"
            let created = Int(Date().timeIntervalSince1970)
            let events = EventIterator(engine.askStream(settings))
            // The first event comes after admission and retrieval: a full queue is still a 503 here.
            let first = try await events.next()
            if chat.stream != true {
                var event = first
                while let current = event {
                    if case .finished(var outcome) = current {
                        outcome.answer.question = question
                        metrics.recordGeneration(tokens: outcome.generatedTokens, seconds: outcome.decodeSeconds)
                        return try JSONBody.response(ChatResponse.completion(outcome, id: id, created: created))
                    }
                    event = try await events.next()
                }
                throw RequestProblem("the answer ended without a result")
            }
            let metrics = metrics
            let model = settings.model ?? "cited"
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                            body: ResponseBody { writer in
                func send(_ value: JSONValue) async throws {
                    var buffer = ByteBuffer(string: "data: ")
                    buffer.writeBytes(try JSONBody.encoder.encode(value))
                    buffer.writeString("\n\n")
                    try await writer.write(buffer)
                }
                do {
                    var event = first
                    while let current = event {
                        switch current {
                        case .sources(let passages):
                            try await send(ChatResponse.chunk(id: id, created: created, model: model,
                                                              delta: ["role": .string("assistant"), "content": .string("")],
                                                              extra: ["sources": ChatResponse.sources(passages)]))
                        case .text(let piece):
                            try await send(ChatResponse.chunk(id: id, created: created, model: model, delta: [:],
                                                              extra: ["draft": .string(piece)]))
                        case .finished(var outcome):
                            outcome.answer.question = question
                            metrics.recordGeneration(tokens: outcome.generatedTokens, seconds: outcome.decodeSeconds)
                            let answer = outcome.answer
                            let name = answer.model.isEmpty ? model : answer.model
                            try await send(ChatResponse.chunk(id: id, created: created, model: name,
                                                              delta: ["content": .string(ChatResponse.content(of: answer))]))
                            try await send(ChatResponse.chunk(id: id, created: created, model: name, delta: [:], finish: true,
                                                              extra: ChatResponse.extensions(of: answer)))
                        }
                        event = try await events.next()
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                } catch {
                    // Headers are gone: the error travels as a last event (a closed client just ends the stream).
                    try? await send(.object(["error": .object(["message": .string("\(error)")])]))
                }
                try await writer.finish(nil)
            })
        }
    }
}
