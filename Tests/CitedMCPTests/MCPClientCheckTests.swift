import CitedTestSupport
import Foundation
import Testing

/// `cited mcp` against the reference MCP client: runs scripts/mcp-client-check.py (the `mcp` package from
/// PyPI, in the venv scripts/test-venv.sh makes or reuses) on the built binary and the demo index.
@Suite("cited mcp with the Python MCP client")
struct MCPClientCheckTests {
    @Test("lists the tools; search, show and ask return their citations, as the CLI prints them; errors are tool errors")
    func pythonClient() throws {
        let index = try DemoIndex.index.get()
        let check = try TestScripts.mcpClientCheck(["--index", index.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains(" passed, 0 failed"), "\(check.output)")
    }
}
