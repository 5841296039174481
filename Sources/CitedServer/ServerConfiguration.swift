import Foundation

/// How `cited serve` listens and what it accepts.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8088
    /// The bearer token every request must carry (required unless bound to loopback).
    public var token: String?
    /// Largest request body accepted (413 beyond).
    public var maxBodyBytes = 64 << 10
    /// Longest question accepted, in characters (400 beyond).
    public var maxQuestionCharacters = 4_000

    public init(host: String = "127.0.0.1", port: Int = 8088, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }

    /// True for addresses only this machine can reach.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case tokenRequired(host: String)

        public var description: String {
            switch self {
            case .tokenRequired(let host):
                "binding \(host) exposes the index beyond this machine; give --token-file F (a bearer token)"
            }
        }
    }

    /// Refuses a non-loopback address without a token.
    public func validated() throws -> ServerConfiguration {
        if !Self.isLoopback(host), (token ?? "").isEmpty { throw Problem.tokenRequired(host: host) }
        return self
    }
}
