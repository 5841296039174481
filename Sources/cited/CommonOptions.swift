import ArgumentParser
import CitedAnswer
import CitedEngine
import CitedPostgres
import CitedStore
import Foundation

/// `--index DIR`, `--store URL` and `--verbose`, shared by every command that touches the index.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder holding the index (default: $CITED_INDEX, else ./Index).",
                                            valueName: "DIR"))
    var index: String?

    @Option(name: .long, help: ArgumentHelp(
        "The index in PostgreSQL + pgvector (postgres://user@host:port/db) or a folder (default: $CITED_STORE, else cited.toml [store] url, else --index).",
        valueName: "URL"))
    var store: String?

    func validate() throws {
        do { _ = try location } catch let error as StoreError { throw ValidationError(error.description) }
    }

    /// Where the index lives (see `StoreLocation.resolve`).
    var location: StoreLocation {
        get throws { try StoreLocation.resolve(store: store, index: index) }
    }

    /// Opens (creating if needed) the index.
    func openStore() throws -> any IndexStore { try IndexStores.open(location) }

    /// Whether an index exists there (a PostgreSQL store is created on open: it counts as existing).
    var indexExists: Bool {
        guard let location = try? location else { return false }
        switch location {
        case .postgres: return true
        case .folder(let folder): return FileManager.default.fileExists(atPath: IndexStores.databaseURL(folder: folder).path)
        }
    }

    @Flag(name: .long, help: "Print timings and throughput on stderr.")
    var verbose = false

    /// The index folder, created on demand by the store (for a PostgreSQL store: the folder `--index` names, unused).
    var indexDirectory: URL {
        if let location = try? location, case .folder(let folder) = location { return folder }
        let env = ProcessInfo.processInfo.environment["CITED_INDEX"]
        let path = index ?? (env?.isEmpty == false ? env! : "Index")
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The SQLite file inside the index folder.
    var databaseURL: URL { indexDirectory.appendingPathComponent("cited.sqlite") }

    /// Opens the index as an engine; `answers` reads the answer models of `cited.toml`, and so do vectors (an
    /// index embedded through `endpoint:NAME` is queried through that endpoint).
    func openEngine(needsVectors: Bool = true, answers: Bool = false, askLimit: Int? = nil,
                    queryCache: Int = 0) throws -> CitedEngine {
        var engineOptions = EngineOptions(indexDirectory: indexDirectory,
                                          answerConfiguration: answers || needsVectors ? try AnswerConfiguration.load() : .builtIn)
        engineOptions.needsVectors = needsVectors
        if case .postgres(let url) = try location { engineOptions.postgresURL = url }
        if let askLimit { engineOptions.askLimit = askLimit }
        engineOptions.queryCacheEntries = queryCache
        return try CitedEngine(options: engineOptions)
    }
}

/// Writes one JSON document on stdout, as every `--json` output does.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Flushes what `print` buffered for stdout (a prompt, a streamed piece).
///
/// `fflush(nil)` flushes every C output stream, stdout among them: Glibc's `stdout` is a mutable global that
/// Swift 6 refuses to read from a nonisolated context, and the other streams (stderr) are unbuffered.
func flushStandardOutput() {
    fflush(nil)
}

/// Writes a line on stderr (progress, warnings).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A runtime failure of a command: printed as one line on stderr, exit code 1 (not a usage error).
struct CommandError: Error, CustomStringConvertible, LocalizedError {
    let description: String
    init(_ description: String) { self.description = description }
    var errorDescription: String? { description }
}
