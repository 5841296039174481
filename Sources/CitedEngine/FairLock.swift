import Foundation

/// A first-come, first-served lock (a ticket lock on a condition): holders run in arrival order,
/// so one client's many calls cannot starve another's.
final class FairLock: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextTicket = 0
    private var serving = 0

    /// Callers waiting for the lock (not counting the holder).
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return max(0, nextTicket - serving - 1)
    }

    /// Runs `body` holding the lock; `queued` runs once the caller holds its ticket (before it waits).
    func withLock<T>(queued: () -> Void = {}, _ body: () throws -> T) rethrows -> T {
        condition.lock()
        let ticket = nextTicket
        nextTicket += 1
        queued()
        while serving != ticket { condition.wait() }
        condition.unlock()
        defer {
            condition.lock()
            serving += 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
