import ArgumentParser
import CitedEngine
import Foundation

/// `cited index`: inspect and maintain the index. Subcommands join the list below.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Inspect and maintain the index.",
        subcommands: [
            IndexStatusCommand.self,
            IndexRebuildCommand.self,
            IndexExportCommand.self,
        ]
    )
}

/// `cited index status`: documents and passages per kind and domain.
struct IndexStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show documents, passages and vectors per kind and domain, and the embedder stamp."
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let status = try indexOptions.openEngine(needsVectors: false).status()
        let versions = status.chunkerVersions
        let files = status.files
        let counts = status.counts
        if json {
            try printJSON(status)
            return
        }
        print("index: \(status.database)")
        print("files: \(files), documents: \(status.documents), passages: \(status.passages)")
        if status.instructionPassages > 0 {
            print("warning: \(status.instructionPassages) passages carry instructions to the model (prompt injection); "
                + "answers treat them as untrusted evidence")
        } else {
            print("passages with instructions to the model: 0")
        }
        if versions.count > 1 { print("warning: documents from chunker versions \(versions)") }
        let vectors = status.vectors
        if let stamp = vectors.stamp {
            print("vectors: \(vectors.vectors) of \(vectors.passages) passages; embedder \(stamp.name) "
                + "(sha256 \(stamp.weightsSHA256.prefix(12))…, \(stamp.dimension)-d, \(stamp.pooling), "
                + "\(stamp.tokenLimit) tokens, chunker v\(stamp.chunkerVersion))")
        } else {
            print("vectors: none (run `cited ingest` without --no-embed, or `cited index rebuild`)")
        }
        if vectors.missing > 0 { print("warning: \(vectors.missing) passages have no vector; `cited ingest` embeds them") }
        if vectors.stale { print("warning: vectors were made for another chunker version; run `cited index rebuild`") }
        if let done = vectors.rebuildInProgress { print("rebuild in progress: \(done) vectors in the shadow table") }
        for count in counts {
            print("  \(count.kind.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                + "\(count.domain.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                + "\(count.documents) documents, \(count.passages) passages")
        }
    }
}
