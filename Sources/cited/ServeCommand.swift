import ArgumentParser
import CitedServer
import Foundation

/// `cited serve`: the index over HTTP, with the web page at `/`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: OpenAI-compatible chat, search, passages, and a web page.",
        discussion: """
        Routes: POST /v1/chat/completions (OpenAI shape, "stream": true for server-sent events; the \
        response adds "citations", each with the verdicts of the sentences citing it, "sentences" and \
        "abstained"), POST /v1/search ({"query", "k", "mode", "filters"}), GET /v1/passages/REF (the \
        `show` view), GET /v1/answers/ID (the audit record), GET /healthz, GET /metrics (Prometheus), \
        and the web page at /.

        Binds 127.0.0.1 by default. Any other address needs --token-file: clients then send \
        "Authorization: Bearer TOKEN". At most --ask-limit answers are in flight; beyond that a question \
        gets 503 with Retry-After. SIGTERM or Ctrl-C stops accepting and lets answers in flight finish.

        Examples:
          cited serve                                  # then open http://127.0.0.1:8088/
          curl -s localhost:8088/v1/search -d '{"query": "olanzapine agitation", "k": 3}'
        """)

    @OptionGroup var options: IndexOptions
    @Option(name: .long, help: "Address to bind (loopback by default).") var host = "127.0.0.1"
    @Option(name: .long, help: "Port (0: a free one, printed on start).") var port = 8088
    @Option(name: .long, help: ArgumentHelp("File holding the bearer token clients must send.", valueName: "F"))
    var tokenFile: String?
    @Option(name: .long, help: "Answers in flight at once (generating or waiting); more get 503.") var askLimit = 8
    @Option(name: .long, help: ArgumentHelp("Query texts whose vectors are kept for repeated searches (0: none).",
                                            valueName: "N"))
    var queryCache = 0

    func validate() throws {
        try requireRange(port, 0...65535, "--port")
        try requireRange(askLimit, 1...1024, "--ask-limit")
        try requireRange(queryCache, 0...1_000_000, "--query-cache")
        if !ServerConfiguration.isLoopback(host), tokenFile == nil {
            throw ValidationError("binding \(host) exposes the index beyond this machine; give --token-file F")
        }
    }

    func run() async throws {
        var token: String?
        if let tokenFile {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            if token?.isEmpty != false { throw ValidationError("--token-file \(tokenFile) is empty") }
        }
        let engine = try options.openEngine(answers: true, askLimit: askLimit, queryCache: queryCache)
        let server = try CitedServer(engine: engine, configuration: ServerConfiguration(host: host, port: port, token: token))
        let shown = host.contains(":") ? "[\(host)]" : host
        try await server.run { port in
            printError("cited serve: listening on http://\(shown):\(port)/ (index \((try? options.location.description) ?? options.indexDirectory.path))")
        }
    }
}
