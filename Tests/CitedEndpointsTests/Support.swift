import CitedAnswer
import CitedTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Paths, the built binary, the test venv, and child server processes on loopback for the endpoint tests.
enum Support {
    static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let scripts = package.appendingPathComponent("scripts")
    static let home = URL(fileURLWithPath: ProcessInfo.processInfo.environment["CITED_HOME"]
        ?? (NSHomeDirectory() + "/.cache/cited"))
    static let models = home.appendingPathComponent("models")

    /// `cited` beside the test bundle (CitedTestSupport), whatever `--scratch-path` the build used.
    static var citedBinary: URL { BuiltProducts.cited }

    /// The test venv's python (scripts/test-venv.sh makes it once, then reuses it).
    static let venvPython: Result<String, Error> = Result { try TestScripts.venvPython() }

    /// The demo corpus ingested once per test run (real MiniLM vectors).
    static let demoIndex: Result<URL, Error> = Result {
        let binary = citedBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first (looked at \(binary.path))")
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("endpoints-\(UUID().uuidString)")
        let (status, output) = try capture(binary.path, ["ingest", package.appendingPathComponent("Corpora/demo").path,
                                                         "--index", index.path])
        try #require(status == 0, "cited ingest of the demo corpus failed: \(output)")
        return index
    }

    /// Runs a program to its end in the package folder; returns its exit status and its output and errors together.
    static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestScripts.capture(executable, arguments)
    }

    /// Runs a program; returns its status, standard output and standard error apart.
    static func run(_ executable: String, _ arguments: [String], directory: URL) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = Box()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errors.data == nil { usleep(10_000) }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors.data!, as: UTF8.self))
    }

    final class Box: @unchecked Sendable { var data: Data? }

    /// A port nobody listens on right now (bound to port 0 and released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// An endpoint configuration for tests: short timeouts and backoff.
    static func endpoint(_ name: String, port: Int, path: String = "v1", model: String = "test-model",
                         timeout: Double = 5, retries: Int = 2) -> EndpointConfiguration {
        var configuration = EndpointConfiguration(name: name, baseURL: "http://127.0.0.1:\(port)/\(path)", model: model)
        configuration.timeoutSeconds = timeout
        configuration.retries = retries
        configuration.backoffSeconds = 0.05
        return configuration
    }
}

/// A server child process on loopback, stopped (SIGTERM, then SIGKILL) when released.
/// Its standard input is a pipe this process holds open: the servers exit when it closes (when the test
/// process ends, however it ends).
final class ServerChild: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private(set) var port = 0
    private var seen = ""

    /// Starts `executable arguments` and waits until a line of its output matches `ready` (a pattern whose
    /// first capture group, if any, is the port).
    init(_ executable: String, _ arguments: [String], ready: String, port: Int? = nil, timeout: TimeInterval = 300,
         environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardInput = input
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        let pattern = try NSRegularExpression(pattern: ready)
        while Date() < deadline && process.isRunning {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { usleep(20_000); continue }
            seen += String(decoding: data, as: UTF8.self)
            let range = NSRange(seen.startIndex..., in: seen)
            if let match = pattern.firstMatch(in: seen, range: range) {
                if match.numberOfRanges > 1, let group = Range(match.range(at: 1), in: seen) {
                    self.port = Int(seen[group]) ?? 0
                } else {
                    self.port = port ?? 0
                }
                // Keep draining its output so that it never blocks on a full pipe.
                let handle = pipe.fileHandleForReading
                Thread.detachNewThread { while !handle.availableData.isEmpty {} }
                return
            }
        }
        stop()
        throw ChildError(description: "\(executable) did not become ready within \(Int(timeout)) s; its output:\n\(seen.suffix(3000))")
    }

    struct ChildError: Error, CustomStringConvertible { let description: String }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Servers started once per test run and shared by the suites that need them.
enum Servers {
    /// scripts/endpoint-fault-server.py (Python standard library only).
    static let faults: Result<ServerChild, Error> = Result {
        try ServerChild("/usr/bin/env", ["python3", Support.scripts.appendingPathComponent("endpoint-fault-server.py").path,
                                             "--exit-with-stdin"],
                        ready: #"listening on (\d+)"#, timeout: 30)
    }

    /// scripts/embeddings-server.py on sentence-transformers with the cached MiniLM checkpoint.
    static let embeddings: Result<ServerChild, Error> = Result {
        let python = try Support.venvPython.get()
        return try ServerChild(python, [Support.scripts.appendingPathComponent("embeddings-server.py").path,
                                        "--model-dir", Support.models.appendingPathComponent("minilm").path,
                                        "--exit-with-stdin"],
                               ready: #"listening on (\d+)"#, timeout: 300)
    }

    /// The GGUF file of a cached model.
    static func gguf(_ name: String) throws -> String {
        let folder = Support.models.appendingPathComponent(name)
        let file = try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".gguf") }
        return folder.appendingPathComponent(try #require(file, "no GGUF in \(folder.path)")).path
    }

    /// The model the llama-cpp-python tests serve: SmolLM2-135M unless `CITED_ENDPOINT_TEST_MODEL` names another
    /// cached catalog model (the default answer model, `qwen2.5-coder-0.5b`, for the figures in RESULTS.md).
    static let llamaModel = ProcessInfo.processInfo.environment["CITED_ENDPOINT_TEST_MODEL"] ?? "smollm2-135m"

    /// llama-cpp-python's OpenAI-compatible server on `llamaModel`, 2 threads.
    static let llama: Result<ServerChild, Error> = Result {
        let python = try Support.venvPython.get()
        let port = Support.freePort()
        // llama_cpp.server, run in a wrapper that exits when standard input closes.
        let wrapper = "import os, runpy, sys, threading; "
            + "threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start(); "
            + "sys.argv[0] = 'llama_cpp.server'; runpy.run_module('llama_cpp.server', run_name='__main__')"
        return try ServerChild(python, ["-c", wrapper, "--model", try gguf(llamaModel),
                                        "--model_alias", llamaModel, "--host", "127.0.0.1",
                                        "--port", String(port), "--n_ctx", "4096", "--n_threads", "2",
                                        "--n_threads_batch", "2"],
                               ready: "Uvicorn running on", port: port, timeout: 300)
    }
}
