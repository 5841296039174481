import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `cited serve` child process on a free loopback port, stopped (SIGTERM) when the test is done.
public final class ServerProcess {
    public let process = Process()
    public let port: Int
    public var client: HTTPClient { HTTPClient(port: port) }

    /// Starts `cited serve --index DIR --port 0 …` and waits for the line naming its port.
    public convenience init(index: URL, extra: [String] = []) throws {
        try self.init(location: ["--index", index.path], extra: extra)
    }

    /// Starts `cited serve LOCATION --port 0 …` (`location`: `--index DIR` or `--store URL`) and waits for the
    /// line naming its port.
    public init(location: [String], extra: [String] = []) throws {
        process.executableURL = BuiltProducts.cited
        process.arguments = ["serve"] + location + ["--port", "0"] + extra
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var found: Int?
        let deadline = Date().addingTimeInterval(60)
        while found == nil && Date() < deadline && process.isRunning {
            let data = errors.fileHandleForReading.availableData
            if data.isEmpty { usleep(20_000); continue }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"listening on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                found = Int(seen[range].split(separator: ":").last!.dropLast())
            }
        }
        guard let found else {
            process.terminate()
            throw HTTPClient.Failure(description: "cited serve did not start: \(seen)")
        }
        port = found
        // Keep draining stderr so the child never blocks on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
