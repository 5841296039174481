import CitedCore
import CitedKernels
import CitedStore
import Foundation

/// Which ranked lists a search uses.
public enum SearchMode: String, CaseIterable, Codable, Sendable {
    /// Fusion of dense and BM25 (see `FusionMethod`).
    case hybrid
    case dense
    case bm25
}

/// Parameters of one search; defaults are the CLI's.
public struct SearchParameters: Sendable {
    public var k = 10
    public var mode = SearchMode.hybrid
    /// How hybrid mode merges the two lists.
    public var fusion = FusionMethod.convex
    public var filters = SearchFilters()
    /// At most this many passages of one document in the results (0: no cap).
    public var perDocumentCap = 2
    /// How the dense list is computed (`exact` is certified equal to a full fp32 scan; `auto` takes the
    /// binary pass on large unfiltered indexes).
    public var denseMethod = DenseMethod.auto
    /// Candidates taken from each list before fusion and the cap (0: automatic, from k).
    public var candidates = 0

    public init(k: Int = 10, mode: SearchMode = .hybrid, filters: SearchFilters = SearchFilters(),
                perDocumentCap: Int = 2) {
        self.k = k
        self.mode = mode
        self.filters = filters
        self.perDocumentCap = perDocumentCap
    }

    var pool: Int { candidates > 0 ? candidates : max(50, k * 5) }
}

/// One result, as in `search --json`.
public struct SearchHit: Codable, Sendable {
    public var rank: Int
    /// Cosine for dense, BM25 (higher is better) for bm25, the fused score for hybrid.
    public var score: Double
    public var passageID: Int64
    public var documentID: Int64
    public var source: Source
    public var text: String
    /// 1-based ranks in the dense and BM25 lists, when the passage was in them.
    public var denseRank: Int?
    public var bm25Rank: Int?

    enum CodingKeys: String, CodingKey {
        case rank, score, text, source
        case passageID = "passage_id"
        case documentID = "document_id"
        case denseRank = "dense_rank"
        case bm25Rank = "bm25_rank"
    }
}

/// Timings of the stages of one search, in milliseconds.
public struct SearchTimings: Sendable {
    /// Waiting for an embedder still loading in the background.
    public var wait = 0.0
    public var embed = 0.0
    public var dense = 0.0
    public var bm25 = 0.0
    public var hydrate = 0.0
}

/// Dense, BM25 and fused retrieval over one store, with filters and a per-document cap.
public final class Retriever {
    public let store: any IndexStore
    public let dense: DenseIndex?
    /// The stamp of the vectors the store searches itself (`IndexStore.searchesVectors`), when it has any.
    private let storeStamp: EmbedderStamp?
    public private(set) var timings = SearchTimings()
    private let pending: PendingEmbedder?
    private var checked: Embedder?
    /// Vectors of recent queries (nil: every query is embedded).
    public var queryCache: QueryVectorCache?

    /// - Parameters:
    ///   - embedder: embeds queries; must match `dense.stamp` (refused otherwise).
    ///   - dense: the index's vectors; nil allows `bm25` mode only.
    public convenience init(store: any IndexStore, embedder: Embedder?, dense: DenseIndex?) throws {
        try self.init(store: store, pending: embedder.map { PendingEmbedder(loaded: $0) }, dense: dense)
        if embedder != nil { _ = try resolvedEmbedder() }
    }

    /// Like `init(store:embedder:dense:)` with an embedder still loading: it is awaited, and checked against
    /// `dense.stamp`, by the first dense search.
    public init(store: any IndexStore, pending: PendingEmbedder?, dense: DenseIndex?) throws {
        self.store = store
        self.pending = pending
        self.dense = dense
        storeStamp = store.searchesVectors
            ? try store.meta("embedder").map { try JSONDecoder().decode(EmbedderStamp.self, from: Data($0.utf8)) } : nil
    }

    /// The stamp of the vectors dense search compares queries with.
    var vectorStamp: EmbedderStamp? { dense?.stamp ?? storeStamp }

    /// The query embedder (waiting for it to load), nil when there is none or it failed to load.
    public var embedder: Embedder? { try? resolvedEmbedder() }

    /// The query embedder, loaded and checked against the index's stamp.
    public func resolvedEmbedder() throws -> Embedder {
        if let checked { return checked }
        guard let pending else { throw RetrieveError.noVectors }
        let embedder = try pending.value()
        // The chunker version says how passages were cut, not how a query is embedded.
        if let stamp = vectorStamp, !Self.sameSpace(stamp, embedder.stamp) {
            throw RetrieveError.embedderMismatch(index: Self.describe(stamp), query: Self.describe(embedder.stamp))
        }
        checked = embedder
        return embedder
    }

    /// The best passages for `query`, best first.
    public func search(_ query: String, parameters: SearchParameters = SearchParameters()) throws -> [SearchHit] {
        timings = SearchTimings()
        // A store that searches its own vectors applies the filters in the same query.
        let allowed = store.searchesVectors ? nil : try allowedPassages(parameters.filters)
        var denseList: [(Int64, Double)] = []
        var bm25List: [(Int64, Double)] = []
        switch parameters.mode {
        case .bm25: bm25List = try bm25Search(query, limit: parameters.pool, filters: parameters.filters)
        case .dense:
            denseList = try denseSearch(query, limit: parameters.pool, allowed: allowed, method: parameters.denseMethod,
                                        filters: parameters.filters)
        case .hybrid:
            // BM25 on its own thread: it needs no embedder, so it overlaps the embedder's load and the query's
            // embedding and dense scan.
            let store = store
            let lexical = Background { try Self.rankBM25(query, limit: parameters.pool, filters: parameters.filters, in: store) }
            denseList = try denseSearch(query, limit: parameters.pool, allowed: allowed, method: parameters.denseMethod,
                                        filters: parameters.filters)
            let (list, ms) = try lexical.value()
            bm25List = list
            timings.bm25 = ms
        }
        let start = DispatchTime.now()
        let ranked: [(Int64, Double)]
        switch parameters.mode {
        case .dense: ranked = denseList
        case .bm25: ranked = bm25List
        case .hybrid:
            switch parameters.fusion {
            case .convex: ranked = Fusion.convex(dense: denseList, bm25: bm25List).map { ($0.id, $0.score) }
            case .rrf: ranked = Fusion.reciprocalRank([denseList.map(\.0), bm25List.map(\.0)]).map { ($0.id, $0.score) }
            }
        }
        let denseRanks = Dictionary(denseList.enumerated().map { ($1.0, $0 + 1) }, uniquingKeysWith: min)
        let bm25Ranks = Dictionary(bm25List.enumerated().map { ($1.0, $0 + 1) }, uniquingKeysWith: min)
        let hits = try hydrate(ranked, k: parameters.k, cap: parameters.perDocumentCap) { id in
            (denseRanks[id], bm25Ranks[id])
        }
        timings.hydrate = Self.ms(since: start)
        return hits
    }

    /// Passage ids allowed by the filters, or nil when nothing is filtered.
    func allowedPassages(_ filters: SearchFilters) throws -> [Int64]? {
        try store.passageIDs(allowedBy: filters)
    }

    /// The dense list: cosine similarities, best first.
    /// - Parameter filters: applied by the store when it searches its own vectors (`allowed` is for the local copy).
    public func denseSearch(_ query: String, limit: Int, allowed: [Int64]?, method: DenseMethod = .auto,
                            filters: SearchFilters = SearchFilters()) throws -> [(Int64, Double)] {
        guard dense != nil || (store.searchesVectors && storeStamp != nil) else { throw RetrieveError.noVectors }
        var start = DispatchTime.now()
        let embedder = try resolvedEmbedder()
        timings.wait = Self.ms(since: start)
        start = DispatchTime.now()
        let vector = try queryCache.map { try $0.vector(for: query) { try embedder.embed([query]) } }
            ?? embedder.embed([query])
        timings.embed = Self.ms(since: start)
        start = DispatchTime.now()
        guard let dense else {
            let found = try store.nearestPassages(to: vector, limit: limit, filter: filters)
            timings.dense = Self.ms(since: start)
            return found.map { ($0.passageID, $0.score) }
        }
        let mask = allowed.map { dense.mask(allowing: $0) }
        let found = dense.search(vector, parameters: DenseSearchParameters(k: limit, method: method), mask: mask)
        timings.dense = Self.ms(since: start)
        return found.map { ($0.passageID, Double($0.score)) }
    }

    /// The BM25 list through FTS5: scores negated so that higher is better, best first.
    public func bm25Search(_ query: String, limit: Int, filters: SearchFilters = SearchFilters()) throws -> [(Int64, Double)] {
        let (list, ms) = try Self.rankBM25(query, limit: limit, filters: filters, in: store)
        timings.bm25 = ms
        return list
    }

    /// The BM25 list and the milliseconds it took; static (it touches no `timings`), so it may run on another thread.
    static func rankBM25(_ query: String, limit: Int, filters: SearchFilters, in store: any IndexStore) throws -> ([(Int64, Double)], Double) {
        guard let keywords = BM25Query.query(for: query) else { return ([], 0) }
        let start = DispatchTime.now()
        let list = try store.keywordSearch(keywords, limit: limit, filter: filters).map { ($0.passageID, $0.score) }
        return (list, ms(since: start))
    }

    /// Whether any passage (text, title or heading) holds `term` as one token of the index's tokenizer.
    public func mentions(_ term: String) throws -> Bool {
        try store.mentions(term)
    }

    /// The share of the index's passages whose text, title or heading contains `term` (counted up to
    /// `cap` passages, so a common word costs no more than a rare one).
    public func passageShare(mentioning term: String, cap: Int = 2_000) throws -> Double {
        try store.passageShare(mentioning: term, cap: cap)
    }

    /// The passages of a document, in order, as hits (score 0): the other sections of an abstract or a page.
    public func passages(ofDocument documentID: Int64) throws -> [SearchHit] {
        let ids = try store.passages(documentID: documentID).compactMap(\.id)
        return try hydrate(ids.map { ($0, 0) }, k: ids.count, cap: 0, ranks: { _ in (nil, nil) })
    }

    /// Walks the ranked ids, keeps at most `cap` per document, stops at `k`, and loads texts and sources.
    func hydrate(_ ranked: [(Int64, Double)], k: Int, cap: Int, ranks: (Int64) -> (Int?, Int?)) throws -> [SearchHit] {
        guard !ranked.isEmpty, k > 0 else { return [] }
        var scores: [Int64: Double] = [:]
        let (chosen, documents) = try store.passagesWithDocuments(ids: ranked.map(\.0), choose: { documentOf in
            var perDocument: [Int64: Int] = [:]
            var chosen: [Int64] = []
            for (id, score) in ranked {
                guard let document = documentOf[id] else { continue }
                let used = perDocument[document, default: 0]
                if cap > 0, used >= cap { continue }
                perDocument[document] = used + 1
                chosen.append(id)
                scores[id] = scores[id] ?? score
                if chosen.count == k { break }
            }
            return chosen
        })
        return chosen.enumerated().compactMap { index, p in
            guard let d = documents[p.documentId] else { return nil }
            let (denseRank, bm25Rank) = ranks(p.id!)
            return SearchHit(rank: index + 1, score: scores[p.id!]!, passageID: p.id!, documentID: p.documentId,
                             source: Store.source(document: d, passage: p), text: p.text,
                             denseRank: denseRank, bm25Rank: bm25Rank)
        }
    }

    /// A stamp in an error message: its name, and its weights' hash cut short (an endpoint's model name whole),
    /// with the dimension.
    static func describe(_ stamp: EmbedderStamp) -> String {
        let weights = stamp.weightsSHA256.hasPrefix("model:") ? stamp.weightsSHA256 : String(stamp.weightsSHA256.prefix(12))
        return "\(stamp.name) (\(weights), \(stamp.dimension)-d)"
    }

    /// True when vectors made under the two stamps may be compared.
    public static func sameSpace(_ a: EmbedderStamp, _ b: EmbedderStamp) -> Bool {
        a.name == b.name && a.weightsSHA256 == b.weightsSHA256 && a.dimension == b.dimension && a.pooling == b.pooling
            && a.tokenLimit == b.tokenLimit
    }

    static func ms(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    }
}
