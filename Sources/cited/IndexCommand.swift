import ArgumentParser
import CitedStore
import Foundation

/// `cited index`: inspect and maintain the index. Subcommands join the list below.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Inspect and maintain the index.",
        subcommands: [
            IndexStatusCommand.self,
            IndexRebuildCommand.self,
        ]
    )
}

/// `cited index status`: documents and passages per kind and domain.
struct IndexStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show documents and passages per kind and domain."
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    /// The JSON shape of `index status --json`.
    struct Status: Encodable {
        var database: String
        var documents: Int
        var passages: Int
        var files: Int
        var chunkerVersion: Int?
        var counts: [IndexCount]

        enum CodingKeys: String, CodingKey {
            case database, documents, passages, files, counts
            case chunkerVersion = "chunker_version"
        }
    }

    func run() throws {
        let url = indexOptions.databaseURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            printError("error: no index at \(url.path); run `cited ingest PATH...` first")
            throw ExitCode.failure
        }
        let store = try Store(url: url)
        let counts = try store.counts()
        let files = try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM source_file") ?? 0 }
        let versions = try store.pool.read { try Int.fetchAll($0, sql: "SELECT DISTINCT chunker_version FROM document") }
        let status = Status(database: url.path, documents: counts.reduce(0) { $0 + $1.documents },
                            passages: counts.reduce(0) { $0 + $1.passages }, files: files,
                            chunkerVersion: versions.count == 1 ? versions[0] : nil, counts: counts)
        if json {
            try printJSON(status)
            return
        }
        print("index: \(status.database)")
        print("files: \(files), documents: \(status.documents), passages: \(status.passages)")
        if versions.count > 1 { print("warning: documents from chunker versions \(versions)") }
        for count in counts {
            print("  \(count.kind.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                + "\(count.domain.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                + "\(count.documents) documents, \(count.passages) passages")
        }
    }
}
