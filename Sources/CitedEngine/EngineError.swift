import Foundation

/// Errors from the engine, each saying what to do next.
public enum EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    case noIndex(path: String)
    case noVectors
    case noStoredAnswer(id: Int64)
    /// Every ask slot is taken; try again after about `retryAfter` seconds.
    case busy(retryAfter: Int)
    case cancelled

    public var description: String {
        switch self {
        case .noIndex(let path): "no index at \(path); run `cited ingest PATH...` first"
        case .noVectors: "the index has no vectors; run `cited index rebuild`"
        case .noStoredAnswer(let id): "no stored answer with id \(id)"
        case .busy(let seconds): "too many questions waiting; retry in \(seconds) s"
        case .cancelled: "the answer was cancelled"
        }
    }
}
