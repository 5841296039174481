import ArgumentParser
import Foundation

/// `cited`: cited answers from a corpus you own, offline on a CPU.
@main
struct Cited: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cited",
        abstract: "Answer clinical, code and math questions from your own corpus, every sentence cited.",
        discussion: """
        Cited ingests PubMed XML, code documentation and math notes into one SQLite index, \
        retrieves passages with a dense embedder fused with BM25, and answers with a local model, \
        citing each sentence to a PMID, DOI or file:line. Everything runs offline on the CPU.

        Models are cached under ~/.cache/cited (or $CITED_HOME); the index lives in ./Index \
        (or --index DIR, or $CITED_INDEX).
        """,
        version: "0.1.0",
        subcommands: [
            ModelsCommand.self,
            IngestCommand.self,
            IndexCommand.self,
            SearchCommand.self,
            EvalCommand.self,
            SearchBenchCommand.self,
            PgVectorBenchCommand.self,
            EmbedCommand.self,
            GenerateCommand.self,
            AskCommand.self,
            ChatCommand.self,
            ShowCommand.self,
            ServeCommand.self,
            MCPCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with 2 and runtime errors with 1, as CLI.md promises.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            // A library's runtime error: one line, `error: …`, exit 1 (help, --version and ExitCode as the parser does).
            if code == .failure, !(error is ExitCode) {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
