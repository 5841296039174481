import Foundation
import Testing

/// `cited mcp` against the reference MCP client: runs scripts/mcp-client-check.py (the `mcp` package from
/// PyPI, in the venv scripts/test-venv.sh makes or reuses) on the built binary and the demo index.
@Suite("cited mcp with the Python MCP client")
struct MCPClientCheckTests {
    /// Runs `executable` and returns its exit status and its standard output and error together.
    static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = DemoIndex.package
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("lists the tools; search, show and ask return their citations; errors are tool errors")
    func pythonClient() throws {
        let index = try DemoIndex.index.get()
        let scripts = DemoIndex.package.appendingPathComponent("scripts")
        // The script prints the venv's path last (its progress, on stderr, comes before it).
        let venv = try Self.capture("/bin/bash", [scripts.appendingPathComponent("test-venv.sh").path])
        try #require(venv.status == 0, "scripts/test-venv.sh failed: \(venv.output)")
        let path = venv.output.split(separator: "\n").last.map(String.init) ?? ""
        let python = path.trimmingCharacters(in: .whitespaces) + "/bin/python"
        let check = try Self.capture(python, [scripts.appendingPathComponent("mcp-client-check.py").path,
                                              "--cited", DemoIndex.citedBinary.path, "--index", index.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains(" passed, 0 failed"), "\(check.output)")
    }
}
