import ArgumentParser
import CitedCore
import CitedModel
import CitedRetrieve
import CitedStore
import Foundation
import GRDB

/// `cited search-embed`: fills the `vector` table for passages that have none (a stand-in until ingest embeds).
struct SearchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-embed",
        abstract: "Embed passages that have no vector yet (helper for evaluation).",
        shouldDisplay: false)

    @OptionGroup var options: IndexOptions
    @Option(help: "Embedder: a model name in the cache or a checkpoint folder.") var embedder = EmbedCommand.defaultEmbedder
    @Option(help: "Worker threads.") var threads = 2
    @Option(help: "Passages per transaction.") var batch = 512

    func run() throws {
        let store = try Store(url: options.databaseURL, migrations: VectorTable.register)
        let model = try BertEmbedder(directory: EmbedCommand.modelDirectory(embedder), chunkerVersion: 1, threads: threads)
        if let json = try store.meta("embedder"),
           let old = try? JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8)),
           !Retriever.sameSpace(old, model.stamp) {
            printError("error: the index holds vectors of \(old.name); run `cited index rebuild`")
            throw ExitCode(1)
        }
        let total = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM passage WHERE id NOT IN (SELECT passage_id FROM vector)") ?? 0
        }
        let start = Date()
        var done = 0
        while true {
            let rows = try store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT id, text FROM passage WHERE id NOT IN (SELECT passage_id FROM vector) ORDER BY id LIMIT ?
                    """, arguments: [batch])
            }
            if rows.isEmpty { break }
            let ids: [Int64] = rows.map { $0["id"] }
            let vectors = try model.embed(rows.map { $0["text"] })
            try store.pool.write { db in try VectorTable.write(ids: ids, vectors: vectors, stamp: model.stamp, in: db) }
            done += rows.count
            let rate = Double(done) / max(Date().timeIntervalSince(start), 1e-9)
            printError(String(format: "embedded %d/%d passages, %.1f/s, ETA %.0f s", done, total, rate, Double(total - done) / rate))
        }
    }
}
