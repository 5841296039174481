import ArgumentParser
import CitedPostgres
import CitedStore
import Foundation

/// `cited index export --to URL|DIR`: copies the index (SQLite ⇄ PostgreSQL), vectors included.
struct IndexExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy the index into PostgreSQL (--to postgres://…) or into an SQLite folder (--to DIR), vectors included.",
        discussion: "Nothing is parsed or embedded again; ids are kept. The target must hold no documents yet."
    )

    @OptionGroup var indexOptions: IndexOptions

    @Option(help: ArgumentHelp("Where to copy the index: postgres://user@host:port/db or a folder.", valueName: "URL|DIR"))
    var to: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        do { _ = try StoreLocation(parsing: to) } catch let error as StoreError { throw ValidationError(error.description) }
    }

    func run() throws {
        guard indexOptions.indexExists else {
            throw CommandError("no index at \(indexOptions.databaseURL.path); run `cited ingest PATH...` first")
        }
        guard let source = try indexOptions.openStore() as? any IndexStore & IndexCopying,
              let target = try IndexStores.open(try StoreLocation(parsing: to)) as? any IndexStore & IndexCopying else {
            throw CommandError("this store cannot be exported")
        }
        let tty = isatty(STDERR_FILENO) == 1
        var last = Date.distantPast
        let summary = try IndexExport.copy(from: source, to: target) { progress in
            guard Date().timeIntervalSince(last) >= 0.5 || (progress.documents == progress.totalDocuments && progress.vectors == 0) else { return }
            last = Date()
            let width = 24
            let filled = progress.totalDocuments > 0 ? min(width, progress.documents * width / progress.totalDocuments) : width
            let line = String(format: "export [%@%@] %d/%d documents, %d vectors, %.0f s",
                              String(repeating: "#", count: filled), String(repeating: ".", count: width - filled),
                              progress.documents, progress.totalDocuments, progress.vectors, progress.seconds)
            FileHandle.standardError.write(Data((tty ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        if json { return try printJSON(summary) }
        print(String(format: "exported %d files, %d documents, %d passages, %d vectors, %d answers to %@ in %.1f s",
                     summary.files, summary.documents, summary.passages, summary.vectors, summary.answers,
                     target.location, summary.seconds))
    }
}
