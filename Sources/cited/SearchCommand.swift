import ArgumentParser
import CitedCore
import CitedEngine
import CitedKernels
import CitedRetrieve
import Foundation

/// `cited search QUERY`: passages ranked by dense, BM25 or fused retrieval, with filters.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the passages that best match a query.",
        discussion: """
        Filters (--filter KEY=VALUE, repeatable) apply before the top-k cut: domain, kind (pubmed|pmc|doc|note), \
        year (2018, 2015-2020, 2015-, -2010), journal (substring), type (publication type), mesh (descriptor), \
        path (glob on the path relative to the ingest root).
        """)

    @OptionGroup var options: IndexOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Argument(help: "What to look for, in your own words.")
    var query: String

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    func validate() throws {
        // An empty or punctuation-only query matches nothing, and would return arbitrary passages.
        if !query.contains(where: { $0.isLetter || $0.isNumber }) { throw ValidationError("the query has no words") }
    }

    func run() throws {
        let start = DispatchTime.now()
        let session = try RetrievalSession(options: options, retrieval: retrieval)
        let result = try session.search(query)
        let hits = result.hits
        if json {
            try printJSON(SearchOutput(query: query, mode: retrieval.mode.rawValue, results: hits))
        } else {
            SearchView.print(hits, query: query)
        }
        if options.verbose {
            let t = result.timings
            printError(String(format: "search: open %.1f ms, bm25 %.1f ms, wait %.1f ms, embed %.1f ms, dense %.1f ms, hydrate %.1f ms, total %.1f ms",
                              session.engine.openMilliseconds, t.bm25, t.wait, t.embed, t.dense, t.hydrate,
                              Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6))
        }
    }
}

extension SearchMode: ExpressibleByArgument {}
extension DenseMethod: ExpressibleByArgument {}
extension FusionMethod: ExpressibleByArgument {}

/// Options shared by `search` and `eval retrieval`.
struct RetrievalOptions: ParsableArguments {
    @Option(name: .long, help: "Number of results.") var k = 10
    @Option(name: .long, help: "hybrid (dense + BM25 fused), dense or bm25.") var mode = SearchMode.hybrid
    @Option(name: .long, help: ArgumentHelp(
        "How hybrid fuses: convex (0.6 × dense + 0.4 × BM25, scores min–max normalised) or rrf (reciprocal rank).",
        valueName: "METHOD")) var fusion = FusionMethod.convex
    @Option(name: .long, help: ArgumentHelp("Only this domain: clinical, code or math.", valueName: "DOMAIN"))
    var domain: String?
    @Option(name: .long, help: ArgumentHelp("A restriction KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var filter: [String] = []
    @Option(name: .long, help: "At most this many passages per document (0: no cap).") var cap = 2
    @Option(name: .long, help: ArgumentHelp("Dense scan: auto (binary on large unfiltered indexes, else exact), exact (certified int8 + fp32), blas or binary.",
                                            visibility: .hidden)) var denseMethod = DenseMethod.auto

    func validate() throws {
        try requireRange(k, OptionRanges.k, "--k")
        try requireRange(cap, 0...1000, "--cap")
        do { _ = try filters() } catch let error as RetrieveError { throw ValidationError(error.description) }
    }

    func filters() throws -> SearchFilters {
        var filters = SearchFilters()
        if let domain { try filters.apply("domain=\(domain)") }
        for f in filter { try filters.apply(f) }
        return filters
    }

    func parameters(mode: SearchMode? = nil) throws -> SearchParameters {
        var p = SearchParameters(k: k, mode: mode ?? self.mode, filters: try filters(), perDocumentCap: cap)
        p.denseMethod = denseMethod
        p.fusion = fusion
        return p
    }
}

/// An open index ready to search with the command's retrieval options.
struct RetrievalSession {
    let engine: CitedEngine
    let parameters: SearchParameters

    init(options: IndexOptions, retrieval: RetrievalOptions, modes: [SearchMode]? = nil) throws {
        engine = try options.openEngine(needsVectors: (modes ?? [retrieval.mode]).contains { $0 != .bm25 })
        parameters = try retrieval.parameters()
    }

    func search(_ query: String, mode: SearchMode? = nil) throws -> SearchResult {
        var p = parameters
        if let mode { p.mode = mode }
        return try engine.search(query, parameters: p)
    }
}

/// The human view: title, locator, score, and a snippet with the query's terms highlighted.
enum SearchView {
    static func print(_ hits: [SearchHit], query: String) {
        let env = ProcessInfo.processInfo.environment
        let color = isatty(STDOUT_FILENO) != 0 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
        let bold = color ? "\u{1B}[1m" : "", dim = color ? "\u{1B}[2m" : "", reset = color ? "\u{1B}[0m" : ""
        let mark = color ? "\u{1B}[1;33m" : "**", unmark = color ? "\u{1B}[0m" : "**"
        if hits.isEmpty {
            Swift.print("No passages found for \"\(query)\".")
            return
        }
        for hit in hits {
            let s = hit.source
            let year = s.year.map { " (\($0))" } ?? ""
            Swift.print("\(bold)\(hit.rank). \(s.title)\(year)\(reset)")
            Swift.print("   \(dim)\(s.id) · \(s.locator) · score \(String(format: "%.4f", hit.score))\(reset)")
            Swift.print("   " + Snippet(passage: hit.text, query: query).marked(open: mark, close: unmark))
            Swift.print("")
        }
    }
}
