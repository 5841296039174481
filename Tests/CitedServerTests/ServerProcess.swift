import CitedTestSupport
import Foundation
import Testing

/// A `cited serve` child process on a free loopback port, stopped (SIGTERM) when the test is done.
final class ServerProcess {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built `cited`: beside this test bundle (any scratch path), else `.build/release`.
    static var binary: URL { BuiltProducts.cited }

    /// A fresh index of the demo corpus, made once per test run.
    static let demoIndex: Result<URL, Error> = Result {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: swift build -c release")
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        let status = try run(["ingest", package.appendingPathComponent("Corpora/demo").path, "--index", index.path])
        try #require(status == 0, "cited ingest of the demo corpus failed")
        return index
    }

    /// Runs `cited` to completion; returns its exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    let process = Process()
    let port: Int
    var client: HTTPClient { HTTPClient(port: port) }

    /// Starts `cited serve --port 0 …` and waits for the line naming its port.
    init(index: URL, extra: [String] = []) throws {
        process.executableURL = Self.binary
        process.arguments = ["serve", "--index", index.path, "--port", "0"] + extra
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
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
