import CitedTestSupport
import Foundation
import Testing

/// The built `cited` binary and a demo index made with it, shared by the tests of this target.
enum DemoIndex {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `cited` beside the test bundle (whatever `--scratch-path` the build used), else under `.build/`.
    static var citedBinary: URL { BuiltProducts.cited }

    /// The demo corpus ingested once per test run (real MiniLM vectors).
    static let index: Result<URL, Error> = Result {
        let binary = citedBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "build first: swift build -c release --build-tests (looked at \(binary.path))")
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-\(UUID().uuidString)")
        let status = try run(binary, ["ingest", package.appendingPathComponent("Corpora/demo").path, "--index", index.path])
        try #require(status == 0, "cited ingest of the demo corpus failed")
        return index
    }

    /// Runs `executable` to its end, its output discarded; returns the exit status.
    static func run(_ executable: URL, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
