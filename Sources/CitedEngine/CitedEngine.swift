import CitedAnswer
import CitedCache
import CitedCore
import CitedEndpoints
import CitedKernels
import CitedModel
import CitedPostgres
import CitedRetrieve
import CitedStore
import Foundation

/// Cited as a library: an open index with its vectors, query embedder and answer models, owned in one
/// place and safe to call from many threads at once. Searches run concurrently (one retriever per lane);
/// answers share each model through a first-come, first-served lock, with a bounded number in flight.
/// The command line, the HTTP server and the MCP server are thin clients of it.
///
/// Every call blocks its thread (SQLite, BLAS, the token loop); async callers use the `async` variants,
/// which run the work on threads of their own, off the cooperative pool.
public final class CitedEngine: @unchecked Sendable {
    public let options: EngineOptions
    public let store: any IndexStore
    /// The index's vectors (nil when opened for BM25 only).
    public let dense: DenseIndex?
    /// Milliseconds spent opening the index.
    public let openMilliseconds: Double
    private let pendingEmbedder: PendingEmbedder?
    /// Vectors of recent queries, shared by every lane (nil unless `options.queryCacheEntries` > 0).
    public let queryCache: QueryVectorCache?
    private let retrievers: ResourcePool<Retriever>
    /// Internal, not private: tests hold a model's lock through it to fix the order of concurrent asks.
    let models = ModelPool()
    private let admission: AskAdmission
    private let arrivals = ArrivalOrder()

    /// Opens the index (it must exist), its vectors, and starts loading the query embedder.
    public init(options: EngineOptions) throws {
        let start = DispatchTime.now()
        self.options = options
        let postgres = options.storeLocation.isPostgres
        guard postgres || FileManager.default.fileExists(atPath: options.databaseURL.path) else {
            throw EngineError.noIndex(path: options.databaseURL.path)
        }
        Dense.stopIdleBLASThreads()  // queries embed with single-threaded BLAS
        // Start loading the embedder named by the vector cache now, while SQLite and the vectors open.
        let early = options.needsVectors && !postgres
            ? VectorCache.peekStamp(options.vectorCacheURL).map { stamp in
                (stamp, Self.loadEmbedder(stamp, configuration: options.answerConfiguration))
            } : nil
        let store = try IndexStores.open(options.storeLocation)
        var dense: DenseIndex?
        var pending: PendingEmbedder?
        if options.needsVectors && store.searchesVectors {
            // The database searches its own vector index: no local copy; the embedder follows its stamp.
            pending = Self.loadEmbedder(try VectorIndexer.indexStamp(store), configuration: options.answerConfiguration)
        } else if options.needsVectors {
            let vectors = try VectorCache.load(options.vectorCacheURL, source: StoreVectorSource(store: store))
            dense = vectors
            if let early, early.0.name == vectors.stamp?.name, early.0.chunkerVersion == vectors.stamp?.chunkerVersion {
                pending = early.1
            } else {
                pending = Self.loadEmbedder(vectors.stamp, configuration: options.answerConfiguration)
            }
        }
        self.store = store
        self.dense = dense
        pendingEmbedder = pending
        let cache = options.queryCacheEntries > 0 ? QueryVectorCache(capacity: options.queryCacheEntries) : nil
        queryCache = cache
        retrievers = ResourcePool(try (0..<max(1, options.searchLanes)).map { _ in
            let retriever = try Retriever(store: store, pending: pending, dense: dense)
            retriever.queryCache = cache
            return retriever
        })
        admission = AskAdmission(limit: options.askLimit)
        openMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    }

    /// The query embedder for vectors made under `stamp` (the default one without a stamp), loading in the background.
    /// Vectors made through an endpoint (`endpoint:NAME`) are queried through the endpoint of that name in
    /// `configuration`; its model must be the one the stamp records (checked by the first search).
    static func loadEmbedder(_ stamp: EmbedderStamp?, configuration: AnswerConfiguration) -> PendingEmbedder {
        let name = stamp?.name ?? EmbedderLocator.defaultName
        let chunkerVersion = stamp?.chunkerVersion ?? 0
        if let stamp, EndpointConfiguration.endpointName(name) != nil {
            return PendingEmbedder {
                guard let endpoint = try configuration.endpoint(for: name) else { throw EngineError.noVectors }
                return try EndpointEmbedder(client: try EndpointClient(endpoint), dimension: stamp.dimension,
                                            chunkerVersion: chunkerVersion)
            }
        }
        return PendingEmbedder {
            // One worker per pass, and as many passes at once as cores: concurrent queries are combined into
            // passes, and the passes keep every core busy.
            try BertEmbedder(directory: EmbedderLocator.directory(name), chunkerVersion: chunkerVersion, threads: 1,
                             concurrentPasses: ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    // MARK: Search

    /// The best passages for `query`, best first, with the time each stage took.
    public func search(_ query: String, parameters: SearchParameters = SearchParameters()) throws -> SearchResult {
        try retrievers.with { retriever in
            let hits = try retriever.search(query, parameters: parameters)
            return SearchResult(hits: hits, timings: retriever.timings)
        }
    }

    /// Runs `body` with a retriever of its own (for evaluation and maintenance commands).
    public func withRetriever<T>(_ body: (Retriever) throws -> T) rethrows -> T {
        try retrievers.with(body)
    }

    // MARK: Show and status

    /// The passage `reference` names (PMID, DOI, PMCID, path:line, path#section, passage:ID) in its context.
    public func show(_ reference: String, context: Int = 1) throws -> ShownDocument {
        try ShownDocument(reference: reference, context: context, store: store)
    }

    /// Documents, passages and vectors per kind and domain.
    public func status() throws -> IndexStatus { try IndexStatus(store: store) }

    /// The stored audit record of answer `id`.
    public func answerRecord(id: Int64) throws -> AnswerRecord {
        guard let record = try AnswerLog.record(id: id, in: store) else { throw EngineError.noStoredAnswer(id: id) }
        return record
    }

    /// How many answers the audit log holds.
    public func answerCount() throws -> Int { try AnswerLog.count(in: store) }

    /// The settings answer `id` was made with, for a replay.
    public func storedSettings(id: Int64) throws -> AskSettings {
        try JSONDecoder().decode(AskSettings.self, from: Data(try answerRecord(id: id).parameters.utf8))
    }

    // MARK: Ask

    /// Asks in flight, and callers waiting for a model another answer is using.
    public var askLoad: (inFlight: Int, waiting: Int) { (admission.count, models.waiting) }

    /// The model a domain's answer uses under `settings`.
    public func modelName(for domain: Domain, settings: AskSettings) -> String {
        let configuration = options.answerConfiguration
        return settings.model ?? (settings.fast ? configuration.fastModel
            : configuration.models[domain] ?? AnswerConfiguration.builtIn.models[domain]!)
    }

    /// A cited, checked answer (or an abstention), stored for audit. `onSources` sees the passages before the
    /// model runs, `onText` the generated text as it streams. Throws `EngineError.busy` when every ask slot
    /// is taken, and `EngineError.cancelled` (storing nothing) when `cancellation` is set before the end.
    public func ask(_ settings: AskSettings, cancellation: Cancellation = Cancellation(),
                    onSources: ([PackedPassage]) -> Void = { _ in },
                    onText: (String) -> Void = { _ in }) throws -> AskOutcome {
        try admission.run {
            // Answers reach their models in arrival order, whatever order their retrievals finish in.
            let turn = arrivals.take()
            defer { turn.release() }
            guard dense != nil || store.searchesVectors, let pendingEmbedder else { throw EngineError.noVectors }
            preloadModel(for: settings)
            let embedder = try pendingEmbedder.value()
            var lane: SharedAnswerModel?
            let answerer = Answerer(
                model: { [self] domain in
                    let name = modelName(for: domain, settings: settings)
                    if let endpoint = try options.answerConfiguration.endpoint(for: name) {
                        return EndpointAnswerModel(client: try EndpointClient(endpoint),
                                                   isCancelled: { cancellation.isCancelled })
                    }
                    let model = SharedAnswerModel(try models.model(modelName(for: domain, settings: settings)),
                                                  cancellation: cancellation, turn: turn)
                    lane = model
                    return model
                },
                embedder: embedder, builder: PromptBuilder(library: try PromptLibrary()),
                retrieve: { [self] question, k in
                    var parameters = SearchParameters()
                    parameters.k = k
                    return try search(question, parameters: parameters).hits.map {
                        RetrievedPassage(passageID: $0.passageID, documentID: $0.documentID, source: $0.source,
                                         text: $0.text, score: $0.score)
                    }
                })
            answerer.documentPassages = { [self] document in
                try withRetriever { try $0.passages(ofDocument: document) }.map {
                    RetrievedPassage(passageID: $0.passageID, documentID: $0.documentID, source: $0.source, text: $0.text)
                }
            }
            answerer.absentTerms = AbsentTerms(isIndexed: { [self] term in try withRetriever { try $0.mentions(term) } })
            if let bert = embedder as? BertEmbedder {
                answerer.vocabulary = TermVocabulary(embedder: bert, passageShare: { [self] term in
                    try? withRetriever { try $0.passageShare(mentioning: term) }
                })
            }
            var parameters = AskParameters()
            if let policy = settings.policy { parameters.policy = policy }
            if let judge = parameters.policy.judge {
                answerer.judge = SharedAnswerModel(try models.model(judge), cancellation: cancellation, turn: turn)
            }
            if let scorer = parameters.policy.counterfactualModel {
                answerer.counterfactualScorer = SharedAnswerModel(try models.model(scorer), cancellation: cancellation, turn: turn)
            } else if let scorer = options.answerConfiguration.counterfactualModel {
                // A scorer that cannot be loaded (not fetched) leaves the answer model to score its own sentences.
                answerer.localCounterfactualScorer = { [self] model in
                    guard let loaded = try? models.model(scorer) else { return nil }
                    return (model as? SharedAnswerModel)?.loaded === loaded ? nil
                        : SharedAnswerModel(loaded, cancellation: cancellation, turn: turn)
                }
            }
            parameters.k = settings.k
            parameters.maxTokens = settings.maxTokens
            parameters.seed = settings.seed
            parameters.strict = settings.strict
            parameters.domain = settings.domain.flatMap(Domain.init(rawValue:))
            if let threshold = settings.minEvidence { parameters.policy.minimumEvidence = threshold }
            var answer: Answer
            do {
                answer = try answerer.answer(settings.question, parameters: parameters, onSources: onSources, onText: onText)
            } catch EndpointError.cancelled {
                throw EngineError.cancelled
            }
            if cancellation.isCancelled { throw EngineError.cancelled }
            var recorded = settings
            recorded.policy = parameters.policy
            answer.auditID = try log(answer, settings: recorded, answerer: answerer, embedder: embedder)
            return AskOutcome(answer: answer, prompt: answerer.lastPrompt, firstPrompt: answerer.lastPrompts.first,
                              promptTokens: lane?.promptTokens ?? 0, cachedTokens: lane?.cachedTokens ?? 0,
                              generatedTokens: lane?.generatedTokens ?? 0, decodeSeconds: lane?.decodeSeconds ?? 0)
        }
    }

    /// Starts loading the model the answer will need when that does not depend on the routed domain
    /// (`--model`, `--fast`, or one model for every domain): it overlaps retrieval instead of following it.
    private func preloadModel(for settings: AskSettings) {
        let configuration = options.answerConfiguration
        let configured = Set(configuration.models.values)
        if let name = settings.model ?? (settings.fast ? configuration.fastModel : configured.count == 1 ? configured.first : nil),
           EndpointConfiguration.endpointName(name) == nil {
            models.preload(name)
        }
    }

    private func log(_ answer: Answer, settings: AskSettings, answerer: Answerer, embedder: Embedder) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let name = answer.model.isEmpty ? modelName(for: answer.domain, settings: settings) : answer.model
        let modelSHA = answer.endpoint.map { "endpoint-model:" + $0.model } ?? ModelCatalog.all.first { name.hasPrefix($0.name) || $0.primaryFile.hasPrefix(name) }?
            .files.first?.sha256 ?? "unknown"
        let retrieved = answerer.lastRetrieved.map { ["passage_id": Double($0.passageID), "score": $0.score] }
        let record = AnswerRecord(
            question: answer.question, domain: answer.domain.rawValue, model: name, modelSHA256: modelSHA,
            embedder: embedder.stamp.name, embedderSHA256: embedder.stamp.weightsSHA256,
            promptSHA256: answerer.lastPrompt?.sha256 ?? "", seed: Int64(bitPattern: settings.seed),
            parameters: String(decoding: try encoder.encode(settings), as: UTF8.self),
            retrieved: String(decoding: try encoder.encode(retrieved), as: UTF8.self),
            answer: String(decoding: try encoder.encode(answer), as: UTF8.self),
            abstained: answer.abstained, totalMS: answer.timingsMS.total)
        return try AnswerLog.append(record, to: store)
    }
}

/// Search hits and the time each stage took.
public struct SearchResult: Sendable {
    public var hits: [SearchHit]
    public var timings: SearchTimings
}

/// The `search --json` document (also the server's `/v1/search` response).
public struct SearchOutput: Codable, Sendable {
    public var query: String
    public var mode: String
    public var results: [SearchHit]

    public init(query: String, mode: String, results: [SearchHit]) {
        self.query = query
        self.mode = mode
        self.results = results
    }
}

/// An answer, and what `--verbose` shows about how it was made.
public struct AskOutcome: Sendable {
    public var answer: Answer
    /// The prompt the answer came from (nil when it abstained before generating): after a second try
    /// (`method` `regenerated`), the prompt without the worked example.
    public var prompt: Prompt?
    /// The prompt of the first try (the same as `prompt` unless there was a second).
    public var firstPrompt: Prompt?
    public var promptTokens: Int
    public var cachedTokens: Int
    /// Tokens generated, and the seconds the decode steps took (for tokens/s).
    public var generatedTokens = 0
    public var decodeSeconds = 0.0
}
