@testable import CitedEngine
import Foundation
import Testing

@Suite("engine locks and admission")
struct LocksTests {
    @Test("the fair lock serves callers in arrival order")
    func fairOrder() throws {
        let lock = FairLock()
        let served = Served()
        let release = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        // The first caller holds the lock until every other caller is queued.
        group.enter()
        Thread.detachNewThread {
            lock.withLock { holding.signal(); release.wait() }
            group.leave()
        }
        holding.wait()
        for caller in 1...6 {
            group.enter()
            Thread.detachNewThread {
                lock.withLock { served.append(caller) }
                group.leave()
            }
            // Queue the next caller only once this one holds its ticket.
            while lock.waiting < caller { usleep(1000) }
        }
        release.signal()
        group.wait()
        #expect(served.list == Array(1...6))
        #expect(lock.waiting == 0)
    }

    @Test("an ask waits for every earlier ask to queue or end, whatever order they get there in")
    func arrivalOrder() throws {
        let order = ArrivalOrder()
        let first = order.take(), second = order.take(), third = order.take()
        let passed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            third.waitForEarlier()
            passed.signal()
        }
        second.release()
        #expect(passed.wait(timeout: .now() + 0.2) == .timedOut, "the third ask passed before the first queued")
        first.release()
        #expect(passed.wait(timeout: .now() + 10) == .success)
        first.release()  // a second release does nothing
        third.release()
        let fourth = order.take()
        fourth.waitForEarlier()  // every earlier turn released: returns at once
        // A fair lock's `queued` runs once the caller holds its ticket: the next ask may queue behind it.
        let lock = FairLock()
        var queuedFirst = false
        lock.withLock(queued: { queuedFirst = true }) { #expect(queuedFirst) }
    }

    @Test("asks beyond the limit are refused as busy, and slots come back")
    func admission() throws {
        let admission = AskAdmission(limit: 2, retryAfter: 7)
        let hold = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                _ = try? admission.run { started.signal(); hold.wait() }
                group.leave()
            }
        }
        started.wait()
        started.wait()
        #expect(admission.count == 2)
        #expect(throws: EngineError.busy(retryAfter: 7)) { try admission.run { 0 } }
        hold.signal()
        hold.signal()
        group.wait()
        #expect(admission.count == 0)
        #expect(try admission.run { 42 } == 42)
    }

    @Test("the resource pool lends each resource to one caller at a time")
    func pool() throws {
        let pool = ResourcePool([Counter(), Counter()])
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            pool.with { counter in
                counter.enter()
                usleep(200)
                counter.leave()
            }
        }
        var peak = 0
        pool.with { peak = max(peak, $0.peak) }
        pool.with { peak = max(peak, $0.peak) }
        #expect(peak == 1)
    }

    final class Served: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Int] = []
        var list: [Int] { lock.withLock { items } }
        func append(_ item: Int) { lock.withLock { items.append(item) } }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var users = 0
        private(set) var peak = 0
        func enter() { lock.withLock { users += 1; peak = max(peak, users) } }
        func leave() { lock.withLock { users -= 1 } }
    }
}
