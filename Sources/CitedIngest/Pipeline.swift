import CitedStore
import Foundation

/// A bounded first-in first-out queue between one producer thread and one consumer.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full; returns false once the consumer has cancelled.
    @discardableResult
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty.
    func pop() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head == 0 { condition.wait() }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// Makes pending and future pushes return false (the producer stops early).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A PubMed event made ready for the store on the producer thread: hashed and chunked.
enum PreparedEvent: @unchecked Sendable {
    case article(ParsedDocument, hash: String, passages: [PassageRecord])
    case delete([String])
    case failed(Error)
    case finished
}

