import Foundation

/// Where Cited keeps what it downloads: `$CITED_HOME`, else `~/.cache/cited`.
public struct CitedHome: Sendable {
    public let root: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = environment["CITED_HOME"], !home.isEmpty {
            root = URL(fileURLWithPath: home, isDirectory: true)
        } else {
            let user = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            root = user.appendingPathComponent(".cache/cited", isDirectory: true)
        }
    }

    public init(root: URL) { self.root = root }

    /// Verified model files, one folder per model name.
    public var models: URL { root.appendingPathComponent("models", isDirectory: true) }
    /// Full corpora for benchmarks and evaluation.
    public var corpora: URL { root.appendingPathComponent("corpora", isDirectory: true) }
}
