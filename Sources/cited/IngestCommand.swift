import ArgumentParser
import CitedCore
import CitedIngest
import CitedRetrieve
import CitedStore
import CitedTokenizer
import Foundation

/// `cited ingest PATH...`: reads PubMed XML, PMC JATS, code docs and math notes into the index.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read documents into the index (incremental: unchanged files are skipped).",
        discussion: """
        Formats: PubMed/MEDLINE XML (.xml, .xml.gz), PMC JATS (.nxml), Markdown, reStructuredText \
        (.rst, .rst.txt), HTML, man pages (.N, .N.gz) and LaTeX (.tex). A file that cannot be read is \
        reported as `error: path:line: reason` and skipped; the rest is ingested. Folders that cannot be listed, \
        unreadable files, special files and symbolic links are skipped with one `warning:` line each \
        (--follow-symlinks follows links, entering each folder once). The exit status is 1 when nothing could \
        be ingested. Compressed input may expand to at most CITED_MAX_EXPANDED_BYTES bytes (default 4 GB) and \
        CITED_MAX_EXPANSION_RATIO times its size (default 200).
        """
    )

    /// `--domain auto|clinical|code|math`.
    enum DomainChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, clinical, code, math
        var domain: Domain? { self == .auto ? nil : Domain(rawValue: rawValue) }
    }

    @OptionGroup var indexOptions: IndexOptions

    @Argument(help: ArgumentHelp("Files or folders to ingest.", valueName: "PATH"))
    var paths: [String]

    @Option(help: "Domain of the documents (auto: from the format).")
    var domain: DomainChoice = .auto

    @Flag(name: .customLong("no-embed"), help: "Write passages without computing their vectors.")
    var noEmbed = false

    @Option(help: ArgumentHelp("Embedder for new vectors when the index has none yet: a model name, a checkpoint "
                               + "folder, or endpoint:NAME (an [endpoints.NAME] server in cited.toml).",
                               valueName: "NAME|PATH|endpoint:NAME"))
    var embedder: String?

    @Flag(help: "Remove documents whose files vanished under the given folders.")
    var prune = false

    @Flag(help: "Exit with an error if any file was skipped.")
    var strict = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symbolic links inside folders (loop-proof).")
    var followSymlinks = false

    @Flag(name: .customLong("dry-run"), help: "Parse and chunk, write nothing (prints counts and throughput).")
    var dryRun = false

    @Flag(name: .customLong("parse-only"), help: ArgumentHelp("Parse only, write nothing (benchmarks).",
                                                              visibility: .hidden))
    var parseOnly = false

    @Option(help: ArgumentHelp("Ingest only this worker's share of the files (i/n, 0 <= i < n): run n workers, one per shard, into one --store.",
                               valueName: "i/n"))
    var shard: String?

    /// The parsed `--shard`.
    var shardValue: IngestShard? { shard.flatMap(IngestShard.init(parsing:)) }

    func validate() throws {
        if let shard {
            guard IngestShard(parsing: shard) != nil else {
                throw ValidationError("--shard \(shard.prefix(40)): expected i/n with 0 <= i < n <= 4096")
            }
            if prune { throw ValidationError("--prune cannot be combined with --shard (a worker sees only its share of the files)") }
        }
        do { _ = try ExpansionLimits(environment: ProcessInfo.processInfo.environment) } catch let error as IngestError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let limits = try ExpansionLimits(environment: ProcessInfo.processInfo.environment)
        if dryRun || parseOnly {
            let ingester = Ingester(store: nil, chunker: try IngestCommand.chunker(),
                                    options: IngestOptions(followSymlinks: followSymlinks, limits: limits))
            let summary = ingester.dryRun(paths: paths, chunk: !parseOnly) { printError("error: \($0.description)") }
            if json {
                try printJSON(summary)
            } else {
                print(String(format: "%d files, %d documents (%d with text), %d passages, %d skipped: %.2f s, %.0f documents/s",
                             summary.files, summary.documents, summary.withText, summary.passages, summary.skipped,
                             summary.seconds, summary.documentsPerSecond))
            }
            if strict && summary.skipped > 0 { throw ExitCode.failure }
            if summary.files == summary.skipped {
                printError("error: nothing could be ingested")
                throw ExitCode.failure
            }
            return
        }
        let store = try indexOptions.openStore()
        let chunker = try IngestCommand.chunker()
        let ingester = Ingester(store: store, chunker: chunker,
                                options: IngestOptions(domain: domain.domain, prune: prune,
                                                       followSymlinks: followSymlinks, limits: limits, shard: shardValue))
        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
        let summary = try ingester.ingest(paths: paths, progress: bar.map { bar in { bar.show($0) } }) { error in
            bar?.clear()
            printError("error: \(error.description)")
        }
        bar?.clear()
        for warning in summary.warnings { printError("warning: \(warning)") }
        let embedded = noEmbed ? 0 : try Embedding.embedMissing(store: store, chunkerVersion: Chunker.version,
                                                               verbose: indexOptions.verbose, named: embedder,
                                                               shard: shardValue.map { ($0.index, $0.count) })
        if json {
            try printJSON(summary)
        } else {
            let f = summary.files, d = summary.documents
            print("files: \(f.ingested) ingested, \(f.unchanged) unchanged, \(f.updated) updated, \(f.skipped) skipped"
                + (prune ? ", \(f.pruned) pruned" : ""))
            print("documents: \(d.added) added, \(d.updated) updated, \(d.unchanged) unchanged, \(d.deleted) deleted; "
                + "passages written: \(summary.passages)" + (noEmbed ? " (not embedded: --no-embed)" : ", vectors computed: \(embedded)"))
        }
        if indexOptions.verbose {
            let documents = summary.documents.added + summary.documents.updated + summary.documents.unchanged
            printError(String(format: "ingest: %.2f s, %.0f documents/s, %.0f passages/s", summary.seconds,
                              Double(documents) / max(summary.seconds, 1e-9),
                              Double(summary.passages) / max(summary.seconds, 1e-9)))
        }
        if strict && summary.files.skipped > 0 {
            throw ExitCode.failure
        }
        let f = summary.files
        if f.ingested + f.updated + f.unchanged + f.pruned == 0, let shard = shardValue, f.skipped == 0 {
            // Fewer files than workers: this share is empty, which is no failure.
            printError("note: shard \(shard) holds none of the files given")
            return
        }
        if f.ingested + f.updated + f.unchanged + f.pruned == 0 {
            printError("error: nothing could be ingested" + (f.skipped > 0 ? " (\(f.skipped) skipped)" : " (no supported files)"))
            throw ExitCode.failure
        }
    }
}

extension IngestCommand {
    /// The default embedder's folder; its tokenizer bounds passages (MiniLM: 256 WordPiece tokens).
    static let embedderName = "minilm"

    /// A chunker counting with the embedder's WordPiece tokenizer, or, when the model is not in the cache,
    /// with a conservative approximation (and a warning).
    static func chunker() throws -> Chunker {
        let folder = CitedHome().models.appendingPathComponent(embedderName, isDirectory: true)
        let json = folder.appendingPathComponent("tokenizer.json")
        let vocab = folder.appendingPathComponent("vocab.txt")
        if FileManager.default.fileExists(atPath: json.path) {
            let tokenizer = try WordPieceTokenizer(tokenizerJSON: json)
            return Chunker(counter: tokenizer, tokenLimit: tokenizer.maxLength)
        }
        if FileManager.default.fileExists(atPath: vocab.path) {
            let tokenizer = try WordPieceTokenizer(vocabTXT: vocab)
            return Chunker(counter: tokenizer, tokenLimit: tokenizer.maxLength)
        }
        printError("warning: no tokenizer at \(folder.path) (run `cited models fetch \(embedderName)`); "
            + "passage sizes use a conservative approximation")
        return Chunker(counter: ApproximateTokenCounter())
    }
}

/// A one-line progress bar on stderr: files, documents/s, ETA by bytes.
final class ProgressBar {
    private var shown = false

    func show(_ progress: IngestProgress) {
        let fraction = progress.bytesTotal > 0 ? Double(progress.bytesDone) / Double(progress.bytesTotal) : 0
        let width = 24
        let filled = min(width, Int(fraction * Double(width)))
        let rate = Double(progress.documents) / max(progress.seconds, 1e-3)
        let eta = fraction > 0.01 ? progress.seconds * (1 - fraction) / fraction : .nan
        let etaText = eta.isFinite ? String(format: "ETA %.0fs", eta) : "ETA --"
        let line = String(format: "[%@%@] %d/%d files  %.0f articles/s  %@",
                          String(repeating: "#", count: filled), String(repeating: ".", count: width - filled),
                          progress.filesDone, progress.filesTotal, rate, etaText)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        shown = true
    }

    func clear() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}
