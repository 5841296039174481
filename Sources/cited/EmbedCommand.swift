import ArgumentParser
import CitedKernels
import CitedCore
import CitedModel
import Foundation

/// `cited embed TEXT...`: prints the embedder's unit vectors for each text.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding vector of each text.",
        discussion: "Uses the index's embedder, or the default embedder (minilm) when there is no index.")

    @OptionGroup var options: IndexOptions

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also embed each line of FILE (for benchmarks).", valueName: "FILE"))
    var lines: String?

    @Option(name: .long, help: ArgumentHelp("Embedder: a model name in the cache or a checkpoint folder.",
                                            valueName: "NAME|PATH"))
    var embedder: String?

    @Option(name: .long, help: "Worker threads.")
    var threads = 2

    @Option(name: .long, help: "Linear-layer arithmetic: int16 (fast, default) or fp32 (reference).")
    var precision: String = "int16"

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    func validate() throws {
        if texts.isEmpty && lines == nil { throw ValidationError("give at least one TEXT or --lines FILE") }
        try requireRange(threads, OptionRanges.threads, "--threads")
        if Bert.Precision(rawValue: precision) == nil { throw ValidationError("--precision must be int16 or fp32") }
    }

    func run() throws {
        Dense.stopIdleBLASThreads()  // the embedder runs BLAS single-threaded
        var texts = texts
        if let lines {
            do {
                texts += try String(contentsOfFile: lines, encoding: .utf8).split(separator: "\n").map(String.init)
            } catch {
                printError("error: cannot read \(lines): \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
        let start = Date()
        let model: BertEmbedder
        do {
            model = try BertEmbedder(directory: Self.modelDirectory(embedder ?? Self.defaultEmbedder),
                                     chunkerVersion: 0, threads: threads,
                                     precision: Bert.Precision(rawValue: precision) ?? .int16)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let loaded = Date()
        let cpuBefore = Self.cpuSeconds()
        let vectors = try model.embed(texts)
        let seconds = Date().timeIntervalSince(loaded)
        let cpu = Self.cpuSeconds() - cpuBefore
        if options.verbose {
            printError(String(format: "load %.0f ms, embed %.0f ms (%.2f CPU s, %.2f texts per CPU s), %.1f texts/s",
                              loaded.timeIntervalSince(start) * 1000, seconds * 1000, cpu,
                              Double(texts.count) / max(cpu, 1e-9), Double(texts.count) / max(seconds, 1e-9)))
        }
        let dim = model.stamp.dimension
        let rows = (0..<texts.count).map { Array(vectors[($0 * dim)..<(($0 + 1) * dim)]) }
        if json {
            try printJSON(Output(embedder: model.stamp.name, dims: dim, weightsSHA256: model.stamp.weightsSHA256,
                                 vectors: rows))
        } else {
            for row in rows { print(row.map { String(format: "%.6f", $0) }.joined(separator: " ")) }
        }
    }

    /// User + system CPU time of this process so far, all threads.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The embedder used when neither the index nor the user names one.
    static let defaultEmbedder = EmbedderLocator.defaultName

    /// A folder path if `spec` is one, else the model of that name in the cache.
    static func modelDirectory(_ spec: String) -> URL { EmbedderLocator.directory(spec) }

    struct Output: Encodable {
        var embedder: String
        var dims: Int
        var weightsSHA256: String
        var vectors: [[Float]]

        enum CodingKeys: String, CodingKey {
            case embedder, dims, vectors
            case weightsSHA256 = "weights_sha256"
        }
    }
}
