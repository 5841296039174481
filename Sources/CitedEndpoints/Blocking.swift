import Foundation

/// Runs async HTTP work for the blocking callers of the answer pipeline: the work runs in a task on
/// `EndpointExecutor` (never on the cooperative pool, which a blocked caller may be part of), the calling
/// thread waits, and receives the streamed pieces itself, so that its non-`Sendable` callbacks never leave it.
enum Blocking {
    /// The result of `body`, waiting on this thread; `isCancelled` is polled while waiting and cancels the task.
    static func run<T: Sendable>(isCancelled: @escaping () -> Bool = { false },
                                 _ body: @escaping @Sendable () async throws -> T) throws -> T {
        try stream(isCancelled: isCancelled, onItem: { (_: Never) in }, { _ in try await body() })
    }

    /// Like `run`, and `body` may `yield` items that are handed to `onItem` on this thread, in order.
    static func stream<Item: Sendable, T: Sendable>(isCancelled: @escaping () -> Bool = { false },
                                                    onItem: (Item) -> Void,
                                                    _ body: @escaping @Sendable (_ yield: @escaping @Sendable (Item) -> Void) async throws -> T)
        throws -> T {
        let mailbox = Mailbox<Item, T>()
        let task = Task.detached(executorPreference: EndpointExecutor.shared) {
            let result = await Result(catching: { try await body { mailbox.post($0) } })
            mailbox.finish(result)
        }
        var cancelled = false
        while true {
            let ready = mailbox.signal.wait(timeout: .now() + .milliseconds(50))
            let (items, result) = mailbox.take()
            for item in items { onItem(item) }
            if let result { return try result.get() }
            if ready == .timedOut && !cancelled && isCancelled() {
                cancelled = true
                task.cancel()
            }
        }
    }

    /// Items and the final result, handed from the task to the waiting thread under a lock.
    private final class Mailbox<Item: Sendable, T: Sendable>: @unchecked Sendable {
        let signal = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var items: [Item] = []
        private var result: Result<T, Error>?

        func post(_ item: Item) {
            lock.withLock { items.append(item) }
            signal.signal()
        }

        func finish(_ result: Result<T, Error>) {
            lock.withLock { self.result = result }
            signal.signal()
        }

        func take() -> ([Item], Result<T, Error>?) {
            lock.withLock {
                defer { items.removeAll() }
                return (items, result)
            }
        }
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// The executor of endpoint tasks: a serial dispatch queue of its own. Callers block their thread while an
/// endpoint answers, and some run on the cooperative pool (a test, an async server handler); on 2 cores the
/// pool has 2 threads, so work waiting for a free pool thread could wait forever. The jobs are short (parse a
/// chunk, hand it over); the waiting is done by NIO's event loops.
final class EndpointExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = EndpointExecutor()
    private let queue = DispatchQueue(label: "cited.endpoints")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
