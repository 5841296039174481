import Foundation

/// Holds something (a lock) on a thread of its own until `release()`, so that a test can look at what
/// others see meanwhile whatever the scheduler does: the test decides the order, not the clock.
public final class ThreadHold: @unchecked Sendable {
    private let held = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var failure: Error?

    /// Starts `hold` on its own thread and returns once it calls its `wait` argument (it holds then),
    /// or throws what `hold` threw before it got there.
    public init(_ hold: @escaping @Sendable (_ wait: () -> Void) throws -> Void) throws {
        Thread.detachNewThread { [self] in
            var holding = false
            do {
                try hold { holding = true; held.signal(); released.wait() }
            } catch {
                failure = error
            }
            if !holding { held.signal() }
            done.signal()
        }
        held.wait()
        if let failure {
            done.wait()
            throw failure
        }
    }

    /// Lets `hold` return, and waits until it has.
    public func release() {
        released.signal()
        done.wait()
    }
}
