import Foundation

/// Bounds the asks in flight (generating or waiting for a model): beyond the limit an ask is refused at
/// once with `EngineError.busy`, instead of queueing without end.
final class AskAdmission: @unchecked Sendable {
    let limit: Int
    /// Seconds a refused client is told to wait: about one answer.
    let retryAfter: Int
    private let lock = NSLock()
    private var inFlight = 0

    init(limit: Int, retryAfter: Int = 10) {
        self.limit = max(1, limit)
        self.retryAfter = retryAfter
    }

    var count: Int { lock.withLock { inFlight } }

    /// Runs `body` if a slot is free, else throws `EngineError.busy`.
    func run<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            guard inFlight < limit else { throw EngineError.busy(retryAfter: retryAfter) }
            inFlight += 1
        }
        defer { lock.withLock { inFlight -= 1 } }
        return try body()
    }
}
