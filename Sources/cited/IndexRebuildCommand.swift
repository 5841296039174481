import ArgumentParser
import CitedIngest
import CitedRetrieve
import CitedStore
import Foundation

/// `cited index rebuild`: re-embeds every passage while searches keep answering from the old vectors.
struct IndexRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Re-embed every passage (e.g. with another embedder); readers keep working meanwhile.",
        discussion: """
        New vectors go to a shadow table and replace the old ones in one transaction at the end, so \
        `cited search` and `cited ask` answer from the old vectors until then. Interrupted, it resumes \
        where it stopped when run again with the same embedder.
        """)

    @OptionGroup var indexOptions: IndexOptions

    @Option(help: ArgumentHelp("Embedder: a model name (cited models list), a checkpoint folder, or endpoint:NAME "
                               + "(an [endpoints.NAME] server in cited.toml).", valueName: "NAME|PATH|endpoint:NAME"))
    var embedder: String?

    @Flag(help: "Print a JSON summary.")
    var json = false

    struct Summary: Encodable {
        var embedded: Int
        var seconds: Double
        var embedder: String
    }

    func run() throws {
        guard indexOptions.indexExists else {
            throw CommandError("no index at \(indexOptions.databaseURL.path); run `cited ingest PATH...` first")
        }
        let store = try indexOptions.openStore()
        let model = try Embedding.embedder(for: store, named: embedder ?? EmbedCommand.defaultEmbedder,
                                           chunkerVersion: Chunker.version)
        let start = Date()
        let count = try VectorIndexer(store: store, embedder: model).rebuild(progress: Embedding.progressPrinter("rebuild"))
        let summary = Summary(embedded: count, seconds: Date().timeIntervalSince(start), embedder: model.stamp.name)
        if json { return try printJSON(summary) }
        print(String(format: "rebuilt %d vectors with %@ in %.1f s", count, model.stamp.name, summary.seconds))
    }
}
