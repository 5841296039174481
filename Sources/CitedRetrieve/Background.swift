import Foundation

/// One computation on a thread of its own (not the shared pool, which a background load may be holding).
final class Background<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    init(_ work: @escaping () throws -> Value) {
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
