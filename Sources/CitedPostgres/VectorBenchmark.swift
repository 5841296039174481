import Foundation
import Logging
import PostgresNIO

/// pgvector's HNSW index on synthetic 384-d vectors, for Benchmarks/pg-bench.sh: build time, recall@k against an
/// exact scan, and query latency (p50/p99) with 1 and more concurrent clients. Runs in a table of its own
/// (`bench_vector`) in the database given; the index's tables are not touched.
public enum VectorBenchmark {
    public struct Report: Codable, Sendable {
        public var vectors: Int
        public var dimension: Int
        public var clusters: Int
        public var loadSeconds: Double
        public var indexSeconds: Double
        public var efSearch: Int
        public var queries: Int
        public var recallAt10: Double
        /// Recall@10 at other `hnsw.ef_search` values (ef → recall).
        public var recallByEfSearch: [String: Double]
        public var exactMillisecondsP50: Double
        /// Clients → (p50, p99) milliseconds per HNSW query.
        public var latency: [String: [Double]]
        public var queriesPerSecond: [String: Double]
    }

    /// Builds `vectors` random vectors around `clusters` random centres (Gaussian, unit-normalised) server-side,
    /// the HNSW cosine index (m 16, ef_construction 64: pgvector's defaults), then measures.
    public static func run(url: URL, vectors: Int, dimension: Int = 384, clusters: Int = 1_000, queries: Int = 200,
                           efSearch: Int = 100, clientCounts: [Int] = [1, 16], log: (String) -> Void) throws -> Report {
        precondition(vectors > 0 && dimension > 0 && clusters > 0 && queries > 0, "positive sizes")
        let configuration = try PostgresStore.configuration(for: url)
        let pool = ConnectionPool(configuration: configuration, store: url.absoluteString, limit: max(clientCounts.max() ?? 1, 2),
                                  setup: "SET hnsw.ef_search = \(efSearch)", logger: Logger(label: "cited.bench"))
        defer { pool.close() }
        var start = Date()
        try pool.with { session in
            try session.execute("""
                CREATE EXTENSION IF NOT EXISTS vector;
                DROP TABLE IF EXISTS bench_vector;
                DROP TABLE IF EXISTS bench_centre;
                CREATE TABLE bench_centre (id int PRIMARY KEY, c float4[] NOT NULL);
                CREATE TABLE bench_vector (id bigint PRIMARY KEY, embedding vector(\(dimension)) NOT NULL)
                """)
            try session.execute("""
                INSERT INTO bench_centre SELECT i, array(SELECT (random() - 0.5)::float4 + i * 0 FROM generate_series(1, \(dimension)))
                FROM generate_series(1, \(clusters)) i
                """)
            // Each vector: its centre plus Gaussian noise of about half the centre's spread, then unit length.
            for first in stride(from: 1, through: vectors, by: 50_000) {
                let last = min(vectors, first + 49_999)
                try session.execute("""
                    INSERT INTO bench_vector
                    SELECT v.id, l2_normalize(array(SELECT (c.c[d] + 0.15 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))::float4
                                                    FROM generate_series(1, \(dimension)) d)::vector)
                    FROM (SELECT i AS id, 1 + (i::bigint * 7919) % \(clusters) AS centre FROM generate_series(\(first), \(last)) i) v
                    JOIN bench_centre c ON c.id = v.centre
                    """)
                log("loaded \(last) vectors")
            }
        }
        let loadSeconds = Date().timeIntervalSince(start)
        start = Date()
        try pool.with { session in
            try session.execute("SET maintenance_work_mem = '3GB'")
            try session.execute("SET max_parallel_maintenance_workers = 0")
            try session.execute("CREATE INDEX bench_vector_hnsw ON bench_vector USING hnsw (embedding vector_cosine_ops)")
        }
        let indexSeconds = Date().timeIntervalSince(start)
        log(String(format: "HNSW index built in %.1f s", indexSeconds))

        // Queries: fresh draws from the same mixture (a random centre plus new noise), not stored vectors moved a
        // little: their 10 neighbours are among the ~vectors/clusters of their cluster, at similar distances.
        let queryVectors: [[Float]] = try pool.with { session in
            var binds = Binds()
            return try session.query("""
                SELECT l2_normalize(array(SELECT (c.c[d] + 0.15 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))::float4
                                          FROM generate_series(1, \(dimension)) d)::vector)::float4[]
                FROM (SELECT q, 1 + (q::bigint * 104729) % \(clusters) AS centre FROM generate_series(1, \(binds.add(queries))) q) s
                JOIN bench_centre c ON c.id = s.centre
                """, binds).map { try $0.get(0, as: [Float].self) }
        }
        var exactTimes: [Double] = []
        var exactLists: [[Int64]] = []
        try pool.with { session in
            try session.execute("SET enable_indexscan = off")
            for vector in queryVectors {
                let t0 = Date()
                exactLists.append(try search(session, vector))
                exactTimes.append(Date().timeIntervalSince(t0) * 1000)
            }
            try session.execute("SET enable_indexscan = on")
        }
        var recallByEf: [String: Double] = [:]
        for ef in Set([40, efSearch, 400]).sorted() {
            var hits = 0
            try pool.with { session in
                try session.execute("SET hnsw.ef_search = \(ef)")
                for (vector, exact) in zip(queryVectors, exactLists) {
                    hits += Set(exact).intersection(try search(session, vector)).count
                }
                try session.execute("SET hnsw.ef_search = \(efSearch)")
            }
            recallByEf["\(ef)"] = Double(hits) / Double(queryVectors.count * 10)
            log(String(format: "recall@10 %.4f (ef_search %d)", recallByEf["\(ef)"]!, ef))
        }
        let recall = recallByEf["\(efSearch)"]!
        var latency: [String: [Double]] = [:]
        var throughput: [String: Double] = [:]
        for clients in clientCounts {
            let times = Locked<[Double]>([])
            let failures = Locked<[String]>([])
            let wall = Date()
            let group = DispatchGroup()
            for client in 0..<clients {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        try pool.with { session in
                            for (index, vector) in queryVectors.enumerated() where index % clients == client || clients == 1 {
                                let t0 = Date()
                                _ = try search(session, vector)
                                times.update { $0.append(Date().timeIntervalSince(t0) * 1000) }
                            }
                        }
                    } catch {
                        failures.update { $0.append("\(error)") }
                    }
                }
            }
            group.wait()
            if let failure = failures.value.first {
                throw PostgresStoreError.unexpectedResult(store: pool.store, what: "benchmark client: \(failure)")
            }
            let sorted = times.value.sorted()
            latency["\(clients)"] = [percentile(sorted, 0.5), percentile(sorted, 0.99)]
            throughput["\(clients)"] = Double(sorted.count) / Date().timeIntervalSince(wall)
            log(String(format: "%d clients: p50 %.2f ms, p99 %.2f ms, %.0f queries/s", clients, percentile(sorted, 0.5),
                       percentile(sorted, 0.99), throughput["\(clients)"]!))
        }
        try pool.with { try $0.execute("DROP TABLE bench_vector; DROP TABLE bench_centre") }
        return Report(vectors: vectors, dimension: dimension, clusters: clusters, loadSeconds: loadSeconds, indexSeconds: indexSeconds,
                      efSearch: efSearch, queries: queryVectors.count, recallAt10: recall, recallByEfSearch: recallByEf,
                      exactMillisecondsP50: percentile(exactTimes.sorted(), 0.5), latency: latency, queriesPerSecond: throughput)
    }

    /// The 10 nearest ids by cosine (through the index unless the session disabled index scans).
    static func search(_ session: Session, _ vector: [Float]) throws -> [Int64] {
        var binds = Binds()
        let q = binds.add(vector)
        return try session.query("""
            SELECT id FROM bench_vector ORDER BY embedding <=> \(q)::float4[]::vector LIMIT 10
            """, binds).map { try $0.get(0, as: Int64.self) }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

/// A value shared by benchmark threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ body: (inout Value) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}
