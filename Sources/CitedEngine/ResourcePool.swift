import Foundation

/// A fixed set of objects that are not thread-safe, lent to one caller at a time; callers beyond the set wait.
final class ResourcePool<Resource>: @unchecked Sendable {
    private let condition = NSCondition()
    private var free: [Resource]

    init(_ resources: [Resource]) {
        precondition(!resources.isEmpty, "a pool needs at least one resource")
        free = resources
    }

    /// Runs `body` with a resource of its own, waiting for one when all are lent.
    func with<T>(_ body: (Resource) throws -> T) rethrows -> T {
        condition.lock()
        while free.isEmpty { condition.wait() }
        let resource = free.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            free.append(resource)
            condition.signal()
            condition.unlock()
        }
        return try body(resource)
    }
}
