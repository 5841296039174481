import ArgumentParser
import CitedPostgres
import CitedStore
import Foundation

/// `cited pgvector-bench`: HNSW recall and latency on synthetic vectors in a PostgreSQL database (benchmarks only).
struct PgVectorBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgvector-bench",
        abstract: "HNSW recall@10 vs exact and query latency on synthetic vectors (Benchmarks/pg-bench.sh).",
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("A PostgreSQL database (its table bench_vector is made and dropped).", valueName: "URL"))
    var store: String

    @Option(help: "How many vectors.")
    var vectors = 100_000

    @Option(help: "Query vectors.")
    var queries = 200

    @Option(name: .customLong("ef-search"), help: "hnsw.ef_search.")
    var efSearch = 100

    @Option(help: "Concurrent clients, comma-separated.")
    var clients = "1,16"

    func validate() throws {
        guard case .postgres = try? StoreLocation(parsing: store) else { throw ValidationError("--store must be a postgres:// URL") }
        guard (1...10_000_000).contains(vectors) else { throw ValidationError("--vectors must be 1...10000000") }
        guard (1...10_000).contains(queries) else { throw ValidationError("--queries must be 1...10000") }
        guard (1...1_000).contains(efSearch) else { throw ValidationError("--ef-search must be 1...1000") }
        guard !clientCounts.isEmpty, clientCounts.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--clients: comma-separated counts 1...64")
        }
    }

    var clientCounts: [Int] { clients.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        guard case .postgres(let url) = try StoreLocation(parsing: store) else { return }
        let report = try VectorBenchmark.run(url: url, vectors: vectors, queries: queries, efSearch: efSearch,
                                             clientCounts: clientCounts) { printError("pgvector-bench: \($0)") }
        try printJSON(report)
    }
}
