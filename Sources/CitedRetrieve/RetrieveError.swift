import Foundation

/// Errors from retrieval, each naming what was wrong and where.
public enum RetrieveError: Error, CustomStringConvertible, Equatable {
    case badFilter(key: String, value: String, reason: String)
    case vectorSize(passageID: Int64, bytes: Int, dims: Int)
    case embedderMismatch(index: String, query: String)
    case noVectors
    case badCache(path: String, reason: String)
    case badQuestion(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .badFilter(let key, let value, let reason): "bad filter \(key)=\(value): \(reason)"
        case .vectorSize(let id, let bytes, let dims):
            "vector of passage \(id) has \(bytes) bytes, expected \(dims * 4) (\(dims) fp32)"
        case .embedderMismatch(let index, let query):
            "the index was embedded with \(index) but the query embedder is \(query); run `cited index rebuild`"
        case .noVectors: "the index has no vectors; run `cited index rebuild` or use --mode bm25"
        case .badCache(let path, let reason): "vector cache \(path): \(reason)"
        case .badQuestion(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}
