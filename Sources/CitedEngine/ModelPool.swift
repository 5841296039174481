import CitedAnswer
import CitedModel
import Foundation

/// A loaded answer model and the lock that serialises its use: one generation at a time, callers served
/// in arrival order.
final class LoadedModel: @unchecked Sendable {
    let name: String
    let model: GGUFAnswerModel
    let lock = FairLock()

    init(name: String, model: GGUFAnswerModel) {
        self.name = name
        self.model = model
        _ = model.tokenTexts  // built once now, read-only afterwards
    }
}

/// The answer models, each loaded once on first use (or ahead of it, while a question is retrieved).
final class ModelPool: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [String: LoadedModel] = [:]
    private var loading: [String: Loading] = [:]
    private let load: @Sendable (String) throws -> GGUFAnswerModel

    /// A load running on some thread; others asking for the same model wait for it.
    private final class Loading: @unchecked Sendable {
        let group = DispatchGroup()
        var result: Result<LoadedModel, Error>?
    }

    init(load: @escaping @Sendable (String) throws -> GGUFAnswerModel = { name in
        try GGUFAnswerModel(url: try LanguageModelLocator.resolve(name))
    }) {
        self.load = load
    }

    /// Callers waiting for a model that another answer is using.
    var waiting: Int { lock.withLock { models.values.reduce(0) { $0 + $1.lock.waiting } } }

    /// Names of the models in memory.
    var loadedNames: [String] { lock.withLock { models.keys.sorted() } }

    /// Starts loading `name` on a background thread unless it is loaded or loading.
    func preload(_ name: String) {
        guard let loading = claim(name) else { return }
        Thread.detachNewThread { [self] in finish(name, loading) }
    }

    /// The model `name`, loading it on this thread (or waiting for a load under way). A failed load throws
    /// its own error (a missing file, a bad GGUF), and the next call tries again.
    func model(_ name: String) throws -> LoadedModel {
        while true {
            if let own = claim(name) {
                finish(name, own)
                if let result = own.result { return try result.get() }
                continue
            }
            let (model, pending): (LoadedModel?, Loading?) = lock.withLock { (models[name], loading[name]) }
            if let model { return model }
            if let pending {
                pending.group.wait()
                if let result = pending.result { return try result.get() }
            }
            // A load failed between the two looks: claim it again.
        }
    }

    /// Registers a load of `name` to run by the caller, or nil when it is loaded or already loading.
    private func claim(_ name: String) -> Loading? {
        lock.withLock {
            guard models[name] == nil, loading[name] == nil else { return nil }
            let entry = Loading()
            entry.group.enter()
            loading[name] = entry
            return entry
        }
    }

    private func finish(_ name: String, _ entry: Loading) {
        let result = Result { LoadedModel(name: name, model: try load(name)) }
        lock.withLock {
            entry.result = result
            loading[name] = nil
            if case .success(let model) = result { models[name] = model }
        }
        entry.group.leave()
    }
}

/// One answer's view of a shared model: every call takes the model's fair lock, and generation stops when
/// the answer is cancelled.
final class SharedAnswerModel: AnswerModel, StatementJudge, CounterfactualScorer {
    let loaded: LoadedModel
    let cancellation: Cancellation
    /// Prompt tokens of this answer's last generation, and how many came from the prompt cache.
    private(set) var promptTokens = 0, cachedTokens = 0
    /// Tokens this answer generated, and the seconds its decode steps took.
    private(set) var generatedTokens = 0, decodeSeconds = 0.0

    /// The answer's place in the arrival order (nil: none): its first call waits for earlier asks to queue.
    let turn: ArrivalOrder.Turn?

    init(_ loaded: LoadedModel, cancellation: Cancellation, turn: ArrivalOrder.Turn? = nil) {
        self.loaded = loaded
        self.cancellation = cancellation
        self.turn = turn
    }

    /// Takes the model's lock in this answer's arrival turn.
    private func inTurn<T>(_ body: () throws -> T) rethrows -> T {
        turn?.waitForEarlier()
        return try loaded.lock.withLock(queued: { turn?.release() }, body)
    }

    var name: String { loaded.model.name }
    var tokenTexts: [String] { loaded.model.tokenTexts }

    func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                  constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                  onText: (String) -> Void) throws -> String {
        try inTurn {
            if cancellation.isCancelled { throw EngineError.cancelled }
            let text = try loaded.model.generate(prompt, maxTokens: maxTokens, seed: seed, stop: stop, constrain: constrain,
                                                 isCancelled: { cancellation.isCancelled }, onText: onText)
            promptTokens = loaded.model.lastPromptTokens
            cachedTokens = loaded.model.lastCachedTokens
            generatedTokens = loaded.model.lastGeneratedTokens
            decodeSeconds = loaded.model.lastDecodeSeconds
            return text
        }
    }

    func judge(_ prompt: Prompt) throws -> Float {
        try inTurn {
            if cancellation.isCancelled { throw EngineError.cancelled }
            return try loaded.model.judge(prompt)
        }
    }

    func counterfactual(claim: String, source: String, slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding? {
        try loaded.lock.withLock {
            if cancellation.isCancelled { throw EngineError.cancelled }
            return try loaded.model.counterfactual(claim: claim, source: source, slots: slots)
        }
    }
}
