import Foundation

/// Keeps asks in arrival order on their way to the models: an ask takes a turn when admitted, and queues at
/// a model's fair lock only after every earlier ask has queued there (or ended without a model). Retrieval
/// runs in parallel and its speed varies, so without this the first ask to finish retrieving, not the first
/// to arrive, would generate first.
///
/// `@unchecked Sendable`: every stored property is read and written under `condition`.
final class ArrivalOrder: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextTurn = 0
    /// Turns released but not yet reached (an ask that queued or ended ahead of an earlier one).
    private var released = Set<Int>()
    /// Every turn below this one has been released.
    private var passed = 0

    /// A new turn, after every turn taken before it.
    func take() -> Turn {
        condition.lock()
        defer { condition.unlock() }
        nextTurn += 1
        return Turn(order: self, number: nextTurn - 1)
    }

    fileprivate func wait(for number: Int) {
        condition.lock()
        while passed < number { condition.wait() }
        condition.unlock()
    }

    fileprivate func release(_ number: Int) {
        condition.lock()
        released.insert(number)
        while released.remove(passed) != nil { passed += 1 }
        condition.broadcast()
        condition.unlock()
    }

    /// One ask's place in the order; released once (later releases do nothing).
    final class Turn: @unchecked Sendable {
        private let order: ArrivalOrder
        private let number: Int
        private let lock = NSLock()
        private var done = false

        fileprivate init(order: ArrivalOrder, number: Int) {
            self.order = order
            self.number = number
        }

        /// Waits until every earlier turn is released (returns at once once this turn is released).
        func waitForEarlier() {
            if lock.withLock({ done }) { return }
            order.wait(for: number)
        }

        /// Lets later turns pass.
        func release() {
            let first = lock.withLock { () -> Bool in
                defer { done = true }
                return !done
            }
            if first { order.release(number) }
        }
    }
}
