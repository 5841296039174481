import CitedCore
import Foundation

/// An embedder loading on a background thread, so that opening the index and the BM25 query overlap with it.
///
/// `@unchecked Sendable`: `result` is written once (in `init`, or by the loading thread before it leaves `group`)
/// and read only after `group.wait()`; the embedder is handed over, not used by the loading thread afterwards.
public final class PendingEmbedder: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Result<Embedder, Error>?

    /// Starts `load` now on a background thread.
    public init(_ load: @escaping @Sendable () throws -> Embedder) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try load() }
            group.leave()
        }
    }

    /// An embedder that is already loaded.
    public init(loaded embedder: Embedder) {
        result = .success(embedder)
    }

    /// The embedder, once loaded (waits for the load); rethrows the load's error.
    public func value() throws -> Embedder {
        group.wait()
        return try result!.get()
    }
}
