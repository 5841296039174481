import Foundation

/// One computation on a thread of its own (not the shared pool, which a background load may be holding).
///
/// `@unchecked Sendable`: `result` is written once, by the worker thread, before `done` is signalled, and read
/// only after waiting on `done` (the semaphore orders the two).
final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.start()
    }

    /// The result, waiting for it; rethrows the work's error.
    func value() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
