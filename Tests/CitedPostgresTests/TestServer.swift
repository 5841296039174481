import CitedPostgres
import CitedTestSupport
import Foundation
import Testing

/// The PostgreSQL server the tests run on: `$CITED_TEST_POSTGRES_URL` (the test command starts one with
/// scripts/pg-test-server.sh), else one this process starts with the same script and stops when it exits.
enum TestServer {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let url: Result<URL, Error> = Result {
        if let given = ProcessInfo.processInfo.environment["CITED_TEST_POSTGRES_URL"], !given.isEmpty {
            return try #require(URL(string: given))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cited-pg-tests-\(getpid())")
        let (status, output) = try run(package.appendingPathComponent("scripts/pg-test-server.sh"), ["start", folder.path])
        try #require(status == 0, "scripts/pg-test-server.sh start failed")
        startedFolder = folder.path
        atexit {
            guard let folder = startedFolder else { return }
            _ = try? TestServer.run(TestServer.package.appendingPathComponent("scripts/pg-test-server.sh"), ["stop", folder])
        }
        return try #require(URL(string: output.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    nonisolated(unsafe) static var startedFolder: String?

    /// A new, empty database for one test (dropped by `drop`).
    static func freshDatabase(_ label: String) throws -> URL {
        let server = try url.get()
        let name = "cited_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        try PostgresAdmin.createDatabase(server: server, name: name)
        return PostgresAdmin.url(server: server, database: name)
    }

    static func drop(_ database: URL) {
        guard let server = try? url.get() else { return }
        try? PostgresAdmin.dropDatabase(server: server, name: database.lastPathComponent)
    }

    static var citedBinary: URL { BuiltProducts.cited }

    /// Runs `executable` to its end; returns its exit status and standard output (standard error is discarded).
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryFolder(_ label: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cited-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
