import ArgumentParser
import CitedMCP
import Foundation
import Logging
import MCP

/// `cited mcp`: the tools `search`, `ask` and `show` for MCP clients (editors, agents), over stdio.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve search, ask and show to an MCP client over stdio.",
        discussion: """
        Started by an MCP client (an editor or agent), not by hand: it reads JSON-RPC messages on stdin and \
        writes them on stdout until stdin closes; logs go to stderr (more with --verbose). The tools return \
        the documents `cited search --json`, `cited ask --json` and `cited show --json` print.

        A client configuration:
          {"mcpServers": {"cited": {"command": "cited", "args": ["mcp", "--index", "/path/to/Index"]}}}
        """)

    @OptionGroup var options: IndexOptions

    func run() async throws {
        // A client that goes away must not kill the server mid-write; the write fails and the server ends.
        signal(SIGPIPE, SIG_IGN)
        let level: Logger.Level = options.verbose ? .info : .warning
        let logger = Logger(label: "cited.mcp") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let engine = try options.openEngine(answers: true)
        try await CitedMCPServer(engine: engine, logger: logger)
            .run(transport: StdioTransport(logger: logger), version: Cited.configuration.version)
    }
}
