import CitedAnswer
import CitedRetrieve
import CitedStore
import Foundation

/// The engine from async code: blocking work runs on a thread of its own, never on the cooperative pool.
extension CitedEngine {
    /// Runs `work` on a new thread and resumes with its result.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    public func search(_ query: String, parameters: SearchParameters = SearchParameters()) async throws -> SearchResult {
        try await Self.offload { [self] in try search(query, parameters: parameters) }
    }

    public func show(_ reference: String, context: Int = 1) async throws -> ShownDocument {
        try await Self.offload { [self] in try show(reference, context: context) }
    }

    public func answerRecord(id: Int64) async throws -> AnswerRecord {
        try await Self.offload { [self] in try answerRecord(id: id) }
    }

    public func status() async throws -> IndexStatus {
        try await Self.offload { [self] in try status() }
    }

    /// The answer as a stream of events: the sources, the text as generated, then the checked answer.
    /// Ending the stream early (a client gone) cancels the generation; nothing is stored for it.
    public func askStream(_ settings: AskSettings) -> AsyncThrowingStream<AskEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<AskEvent, Error>.makeStream()
        let cancellation = Cancellation()
        continuation.onTermination = { termination in
            if case .cancelled = termination { cancellation.cancel() }
        }
        Thread.detachNewThread { [self] in
            do {
                let outcome = try ask(settings, cancellation: cancellation,
                                      onSources: { continuation.yield(.sources($0)) },
                                      onText: { continuation.yield(.text($0)) })
                continuation.yield(.finished(outcome))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }
}

/// One step of a streamed answer.
public enum AskEvent: Sendable {
    /// The passages found, numbered as the answer cites them (before the model runs).
    case sources([PackedPassage])
    /// Generated text as it streams (the draft: sentences may be dropped by the checks).
    case text(String)
    /// The checked answer (or the abstention), stored for audit, with its token counts.
    case finished(AskOutcome)
}
