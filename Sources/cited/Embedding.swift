import CitedAnswer
import CitedCore
import CitedEndpoints
import CitedModel
import CitedRetrieve
import CitedStore
import Foundation

/// Opening the index's embedder and keeping vectors current, shared by `ingest` and `index rebuild`.
enum Embedding {
    /// The embedder the index was built with (its name), else the default one. `endpoint:NAME` embeds through
    /// the `[endpoints.NAME]` server of cited.toml.
    static func embedder(for store: any IndexStore, named override: String? = nil, chunkerVersion: Int) throws -> Embedder {
        let name = try override ?? VectorIndexer.indexStamp(store)?.name ?? EmbedCommand.defaultEmbedder
        if let endpoint = try AnswerConfiguration.load().endpoint(for: name) {
            return try EndpointEmbedder(client: try EndpointClient(endpoint), chunkerVersion: chunkerVersion)
        }
        return try BertEmbedder(directory: EmbedCommand.modelDirectory(name), chunkerVersion: chunkerVersion, threads: 2)
    }

    /// Prints a one-line progress bar on stderr when it is a terminal.
    static func progressPrinter(_ label: String) -> (EmbeddingProgress) -> Void {
        guard isatty(STDERR_FILENO) == 1 else { return { _ in } }
        return { progress in
            let width = 24
            let filled = progress.total > 0 ? min(width, progress.done * width / progress.total) : width
            let line = String(format: "%@ [%@%@] %d/%d passages  %.0f passages/s  ETA %.0fs", label,
                              String(repeating: "#", count: filled), String(repeating: ".", count: width - filled),
                              progress.done, progress.total, progress.passagesPerSecond, progress.secondsLeft)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (progress.done == progress.total ? "\n" : "")).utf8))
        }
    }

    /// Embeds the passages an ingest left without vectors; returns how many.
    /// - Parameters:
    ///   - shard: embed only this worker's share of the passages (`--shard i/n`).
    ///   - override: the embedder to use when the index has none yet (`ingest --embedder`).
    static func embedMissing(store: any IndexStore, chunkerVersion: Int, verbose: Bool, named override: String? = nil,
                             shard: (index: Int, count: Int)? = nil) throws -> Int {
        let embedder = try embedder(for: store, named: override, chunkerVersion: chunkerVersion)
        let start = Date()
        let indexer = VectorIndexer(store: store, embedder: embedder)
        indexer.shard = shard
        let count = try indexer.embedMissing(progress: progressPrinter("embedding"))
        if verbose && count > 0 {
            printError(String(format: "embed: %d passages in %.1f s (%.1f passages/s)", count,
                              Date().timeIntervalSince(start), Double(count) / max(Date().timeIntervalSince(start), 1e-9)))
        }
        return count
    }
}
