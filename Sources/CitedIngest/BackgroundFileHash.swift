import Foundation

/// A file's SHA-256 computed on a thread of its own, so that hashing a new file overlaps with parsing it.
///
/// `@unchecked Sendable`: `result` is written once, by the hashing thread, before `finished` is signalled, and
/// read only after waiting on `finished` (the semaphore orders the two).
final class BackgroundFileHash: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the hashing thread before `finished` is signalled.
    private var result: Result<String, Error>?

    /// Starts hashing `path` (named `displayPath` in errors).
    init(path: String, displayPath: String) {
        Thread { [self] in
            result = Result { try FileText.sha256(path: path, displayPath: displayPath) }
            finished.signal()
        }.start()
    }

    /// The hex digest, waiting for it if needed; rethrows the read error, if any.
    func value() throws -> String {
        finished.wait()
        finished.signal()
        return try result!.get()
    }
}
