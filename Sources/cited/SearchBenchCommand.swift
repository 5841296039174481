import ArgumentParser
import CitedKernels
import Foundation

/// `cited search-bench`: times dense search methods on raw fp32 vector files (used by Benchmarks/search-bench.py).
struct SearchBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-bench",
        abstract: "Time dense search methods on raw fp32 vectors (benchmark helper).",
        shouldDisplay: false
    )

    @Option(help: "Raw little-endian fp32 matrix (rows, dims).") var vectors: String
    @Option(help: "Raw fp32 queries (count, dims).") var queries: String
    @Option(help: "Dimensions.") var dims = 384
    @Option(help: "Results per query.") var k = 10
    @Option(name: .customLong("repeat"), help: "Timed repetitions over the query set.") var repeats = 3
    @Option(help: "Methods, comma-separated: blas,exact,binary.") var methods = "blas,exact,binary"
    @Option(help: "Binary shortlist (0: automatic).") var shortlist = 0
    @Option(help: "Threads for the int8 and binary passes.") var threads = 2

    func validate() throws {
        try requireRange(dims, 1...(1 << 16), "--dims")
        try requireRange(k, OptionRanges.k, "--k")
        try requireRange(repeats, 1...1000, "--repeat")
        try requireRange(shortlist, 0...(1 << 24), "--shortlist")
        try requireRange(threads, OptionRanges.threads, "--threads")
    }

    struct MethodReport: Encodable {
        var method: String
        var median_ms: Double
        var p90_ms: Double
        var mean_ms: Double
        var results: [[Int]]
    }

    struct Report: Encodable {
        var rows: Int
        var dims: Int
        var load_ms: Double
        var methods: [MethodReport]
    }

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let data = try Data(contentsOf: URL(fileURLWithPath: vectors), options: .alwaysMapped)
        let matrix = data.withUnsafeBytes { raw in
            SearchMatrix(vectors: raw.bindMemory(to: Float.self), dims: dims)
        }
        let loadMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let qdata = try Data(contentsOf: URL(fileURLWithPath: queries))
        let qs: [[Float]] = qdata.withUnsafeBytes { raw in
            let f = raw.bindMemory(to: Float.self)
            return stride(from: 0, to: f.count, by: dims).map { Array(f[$0..<($0 + dims)]) }
        }
        var reports: [MethodReport] = []
        for name in methods.split(separator: ",") {
            guard let method = DenseMethod(rawValue: String(name)) else {
                throw ValidationError("unknown method \(name)")
            }
            let parameters = DenseSearchParameters(k: k, method: method, shortlist: shortlist, threads: threads)
            var results: [[Int]] = []
            _ = matrix.search(qs[0], parameters: parameters)  // warm-up: page in the sections it reads
            var times: [Double] = []
            for r in 0..<repeats {
                for q in qs {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let hits = matrix.search(q, parameters: parameters)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    if r == 0 { results.append(hits.map(\.row)) }
                }
            }
            times.sort()
            reports.append(MethodReport(method: method.rawValue, median_ms: times[times.count / 2],
                                        p90_ms: times[times.count * 9 / 10],
                                        mean_ms: times.reduce(0, +) / Double(times.count), results: results))
        }
        let encoder = JSONEncoder()
        let out = try encoder.encode(Report(rows: matrix.rows, dims: dims, load_ms: loadMs, methods: reports))
        FileHandle.standardOutput.write(out)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
