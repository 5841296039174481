import CitedStore
import Foundation

/// A bounded first-in first-out queue between one producer thread and one consumer.
///
/// `@unchecked Sendable` (for Sendable elements): every stored property is read and written with `condition`
/// locked, or is immutable (`capacity`).
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while full; returns false once the queue is cancelled.
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

    /// Blocks while empty; nil once the queue is cancelled.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head == 0 && !cancelled { condition.wait() }
        if cancelled { return nil }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// Makes pending and future pushes return false and pops return nil (both ends stop early).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// What flows between pipeline threads: a value, the producing stage's error, or the end.
enum StreamItem<Value: Sendable>: Sendable {
    case value(Value)
    case failed(Error)
    case finished
}

/// Runs one pipeline stage on a thread of its own: `body` hands values to `emit`, which blocks while `output`
/// is full and throws once it is cancelled; the stage ends with `.finished` or `.failed`.
func startStage<Value: Sendable>(output: BoundedQueue<StreamItem<Value>>,
                       _ body: @escaping @Sendable (_ emit: (Value) throws -> Void) throws -> Void) {
    let thread = Thread {
        do {
            try body { value in
                if !output.push(.value(value)) { throw CancellationError() }
            }
            output.push(.finished)
        } catch {
            output.push(.failed(error))
        }
    }
    thread.stackSize = 8 << 20
    thread.start()
}

/// A PubMed event made ready for the store: hashed and chunked.
enum PreparedEvent: Sendable {
    case article(ParsedDocument, hash: String, passages: [PassageRecord])
    case delete([String])
}

/// A PubMed file as prepared events, in file order: one thread parses, a second hashes and chunks, so both
/// overlap with the caller's writes. Call `cancel` when done (it stops both threads if they are still running).
struct PubMedPipeline {
    /// Prepared events; `.finished` after the last, `.failed` with the first error.
    let output = BoundedQueue<StreamItem<PreparedEvent>>(capacity: 256)
    private let parsed = BoundedQueue<StreamItem<PubMedEvent>>(capacity: 256)

    /// Starts both threads on the file at `path` (`relative` for chunk locators, `display` in errors).
    init(path: String, relative: String, display: String, chunker: Chunker, limits: ExpansionLimits = ExpansionLimits()) {
        let parsed = self.parsed
        startStage(output: parsed) { emit in
            try PubMedParser().parse(path: path, displayPath: display, limits: limits, handle: emit)
        }
        startStage(output: output) { emit in
            while true {
                switch parsed.pop() {
                case .value(.article(let document))?:
                    try emit(.article(document, hash: document.contentHash(chunkerVersion: Chunker.version),
                                  passages: chunker.passages(for: document, path: relative)))
                case .value(.delete(let pmids))?:
                    try emit(.delete(pmids))
                case .failed(let error)?:
                    throw error
                case .finished?:
                    return
                case nil:
                    throw CancellationError()
                }
            }
        }
    }

    /// Stops both threads early (their pushes fail, their pops return nil).
    func cancel() {
        output.cancel()
        parsed.cancel()
    }
}
