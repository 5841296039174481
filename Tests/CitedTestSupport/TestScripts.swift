import Foundation

/// The repository's scripts/ as the tests run them: the Python venv of scripts/test-venv.sh and the checks run in it.
public enum TestScripts {
    /// The package folder (this file is Tests/CitedTestSupport/TestScripts.swift).
    public static let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var folder: URL { package.appendingPathComponent("scripts") }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` in the package folder and returns its exit status and its standard output and error together.
    public static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = package
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The python of the test venv (scripts/test-venv.sh makes it, or reuses it at once).
    public static func venvPython() throws -> String {
        // The script prints the venv's path last (its progress, on stderr, comes before it).
        let venv = try capture("/bin/bash", [folder.appendingPathComponent("test-venv.sh").path])
        guard venv.status == 0 else { throw Failure(description: "scripts/test-venv.sh failed: \(venv.output)") }
        let path = venv.output.split(separator: "\n").last.map(String.init) ?? ""
        return path.trimmingCharacters(in: .whitespaces) + "/bin/python"
    }

    /// Runs scripts/mcp-client-check.py (the reference Python MCP client) on the built `cited` and `location`
    /// (`--index DIR` or `--store URL`); returns its exit status and its report.
    public static func mcpClientCheck(_ location: [String]) throws -> (status: Int32, output: String) {
        try capture(try venvPython(), [folder.appendingPathComponent("mcp-client-check.py").path,
                                       "--cited", BuiltProducts.cited.path] + location)
    }
}
