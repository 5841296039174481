import CitedAnswer
import CitedEngine
import Foundation
import Logging
import MCP

/// The tools over one engine: each call checks its arguments as the CLI checks its options, runs on the
/// engine, and gives back the CLI's `--json` document; every failure is a tool error of one line.
public struct CitedTools: Sendable {
    public let engine: CitedEngine
    let logger: Logger

    public init(engine: CitedEngine, logger: Logger = Logger(label: "cited.mcp")) {
        self.engine = engine
        self.logger = logger
    }

    /// Runs tool `name`. An unknown tool is a protocol error (invalid params), as the MCP specification asks;
    /// anything that goes wrong inside a tool is a result with `isError` set.
    public func call(_ name: String, arguments: [String: Value]?) async throws -> CallTool.Result {
        let start = DispatchTime.now()
        let result: CallTool.Result
        do {
            switch name {
            case "search": result = try await search(SearchRequest(arguments)).result
            case "ask": result = try await ask(AskRequest(arguments)).result
            case "show": result = try await show(ShowRequest(arguments)).result
            default:
                throw MCPError.invalidParams("unknown tool '\(name)'; the tools are search, ask and show")
            }
        } catch let error as MCPError {
            throw error
        } catch {
            result = ToolReply.failure(error)
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        logger.info("\(name): \(result.isError == true ? "error" : "ok") in \(String(format: "%.0f", ms)) ms")
        return result
    }

    public func search(_ request: SearchRequest) async throws -> ToolReply {
        let result = try await engine.search(request.query, parameters: request.parameters)
        let document = SearchOutput(query: request.query, mode: request.parameters.mode.rawValue, results: result.hits)
        return try ToolReply(document: document, summary: ToolSummaries.search(document))
    }

    /// The checked answer. A cancelled call (the client sent `notifications/cancelled`, or went away) ends the
    /// stream, which stops the generation; nothing is stored for it.
    public func ask(_ request: AskRequest) async throws -> ToolReply {
        for try await event in engine.askStream(request.settings) {
            if case .finished(let outcome) = event {
                let answer = outcome.answer
                return try ToolReply(document: answer, summary: ToolSummaries.ask(answer))
            }
        }
        throw EngineError.cancelled
    }

    public func show(_ request: ShowRequest) async throws -> ToolReply {
        let shown = try await engine.show(request.reference, context: request.context)
        return try ToolReply(document: shown, summary: ToolSummaries.show(shown))
    }
}
