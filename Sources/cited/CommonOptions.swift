import ArgumentParser
import CitedAnswer
import CitedEngine
import Foundation

/// `--index DIR` and `--verbose`, shared by every command that touches the index.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder holding the index (default: $CITED_INDEX, else ./Index).",
                                            valueName: "DIR"))
    var index: String?

    @Flag(name: .long, help: "Print timings and throughput on stderr.")
    var verbose = false

    /// The index folder, created on demand by the store.
    var indexDirectory: URL {
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
