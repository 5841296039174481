import ArgumentParser
import CitedAnswer
import CitedCache
import CitedCore
import CitedModel
import CitedRetrieve
import CitedStore
import Foundation

/// `cited ask QUESTION`: a cited, checked answer from the index, or an honest "not found".
struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question from the indexed sources, citing and checking every sentence.",
        discussion: """
        Cited retrieves passages (dense + BM25), shows them, and lets a local model answer from them \
        alone. Citation markers can only name passages it was given; each sentence is then checked \
        against the passages it cites: numbers, doses, names and identifiers must appear there; it must \
        not negate, reverse, swap a comparison, move a number to another group or widen what the \
        passage states; and the meaning must match. A sentence the shown passages do not back is \
        searched for in the index, and cited to a passage found that backs it (listed under \
        References). Sentences that fail are left out (--verbose shows each check); weakly supported \
        ones are flagged (left out with --strict). When the evidence is weak, the question names \
        something the passages never mention, the model says the sources lack the answer, or nothing \
        checks out, the answer is "Not found in the indexed sources." with related reading.

        Models per domain come from ./cited.toml or ~/.config/cited/config.toml ([models] clinical, \
        code, math, fast), else the built-in defaults. Every answer is stored for audit; \
        `cited ask --replay ID` runs it again with the same settings.

        Examples:
          cited ask "What dose of vitamin K2 was used for osteoporosis?"
          cited ask --fast --json "How does functools.lru_cache bound its size?"
        """)

    @OptionGroup var options: IndexOptions

    @Argument(help: "The question, in your own words.")
    var question: String?

    @Option(name: .long, help: "Passages to retrieve before packing.") var k = 6
    @Option(name: .long, help: ArgumentHelp("Model name (cited models list) or GGUF path.", valueName: "NAME|PATH"))
    var model: String?
    @Flag(name: .long, help: "Use the configured fast model.") var fast = false
    @Option(name: .long, help: ArgumentHelp("clinical, code or math (default: routed from the question and sources).",
                                            valueName: "DOMAIN"))
    var domain: String?
    @Option(name: .long, help: "Most tokens to generate.") var maxTokens = AskParameters().maxTokens
    @Option(name: .long, help: "Seed (generation is greedy; kept for replay).") var seed: UInt64 = 0
    @Flag(name: .long, help: "Leave out weakly supported sentences too (unsupported ones always are).") var strict = false
    @Option(name: .long, help: ArgumentHelp(
        "Abstain when no passage is closer to the question than this cosine (default 0.52, calibrated on the dev set).",
        valueName: "COSINE")) var minEvidence: Float?
    @Flag(name: .long, help: "Print the answer only when it is complete.") var noStream = false
    @Flag(name: .long, help: "Print one JSON document.") var json = false
    @Option(name: .long, help: ArgumentHelp("Answer a stored question again, with its settings.", valueName: "ID"))
    var replay: Int64?

    func validate() throws {
        if question == nil && replay == nil { throw ValidationError("give a QUESTION (or --replay ID)") }
        if let question, !question.contains(where: { $0.isLetter || $0.isNumber }) {
            throw ValidationError("the question has no words")
        }
        if let domain, Domain(rawValue: domain) == nil { throw ValidationError("--domain must be clinical, code or math") }
        try requireRange(k, OptionRanges.k, "--k")
        try requireRange(maxTokens, 1...8192, "--max-tokens")
        if let minEvidence { try requireRange(minEvidence, OptionRanges.cosine, "--min-evidence") }
        if let replay { try requireRange(replay, 1...Int64.max, "--replay") }
    }

    func run() throws {
        var settings = AskSettings(question: question ?? "", k: k, model: model, fast: fast,
                                   domain: domain, maxTokens: maxTokens, seed: seed, strict: strict,
                                   minEvidence: minEvidence)
        let session = try AskSession(options: options)
        if let replay {
            settings = try session.storedSettings(id: replay)
            if !json { printError("replaying answer \(replay): \(settings.question)") }
        }
        let view = AnswerView(stream: !noStream && !json)
        let answer = try session.ask(settings, onSources: { view.sources($0) }, onText: { view.text($0) })
        if json { try printJSON(answer) } else { view.finish(answer) }
        if options.verbose {
            session.describeLastPrompt()
            let checked = answer.draft.isEmpty ? answer.sentences : answer.draft
            if !checked.isEmpty {
                printError("--- the model's sentences and the checks each went through ---")
                for sentence in checked {
                    printError("  [\(sentence.support.rawValue)] \(sentence.text) \(sentence.citations.map { "[\($0)]" }.joined())")
                    for step in sentence.trace ?? [] {
                        let passage = step.passage.map { " [\($0)]" } ?? ""
                        printError("      \(step.passed ? "pass" : "FAIL") \(step.rule.rawValue)\(passage)\(step.detail.isEmpty ? "" : ": " + step.detail)")
                    }
                }
            }
        }
    }
}

/// What an ask was run with; stored with the answer so that replay repeats it.
struct AskSettings: Codable {
    var question: String
    var k: Int
    var model: String?
    var fast: Bool
    var domain: String?
    var maxTokens: Int
    var seed: UInt64
    var strict: Bool
    /// The evidence threshold, when not the default (absent in records made before it existed).
    var minEvidence: Float? = nil
    /// The answer policy the answer was made with (absent in records made before it existed: the defaults).
    var policy: AnswerPolicy? = nil
}

/// An open index, embedder and model cache, ready to answer and to log answers.
final class AskSession {
    let search: RetrievalSession
    let configuration: AnswerConfiguration
    private var models: [String: GGUFAnswerModel] = [:]
    /// The prompt and model of the last answer (for --verbose).
    private(set) var lastPrompt: Prompt?
    private(set) var lastModel: GGUFAnswerModel?

    init(options: IndexOptions) throws {
        var retrieval = try RetrievalOptions.parse([])
        retrieval.k = 8
        search = try RetrievalSession(options: options, retrieval: retrieval)
        configuration = try AnswerConfiguration.load()
    }

    /// The last prompt and its token counts, on stderr.
    func describeLastPrompt() {
        guard let prompt = lastPrompt else { return }
        printError("--- prompt (sha256 \(prompt.sha256.prefix(12))) ---\n[system]\n\(prompt.system)\n[user]\n\(prompt.user)\n---")
        if let model = lastModel {
            printError("prompt tokens: \(model.lastPromptTokens), of which \(model.lastCachedTokens) from the prompt cache")
        }
    }

    func storedSettings(id: Int64) throws -> AskSettings {
        guard let record = try AnswerLog.record(id: id, in: search.retriever.store) else {
            throw CommandError("no stored answer with id \(id)")
        }
        return try JSONDecoder().decode(AskSettings.self, from: Data(record.parameters.utf8))
    }

    func modelName(for domain: Domain, settings: AskSettings) -> String {
        settings.model ?? (settings.fast ? configuration.fastModel : configuration.models[domain] ?? AnswerConfiguration.builtIn.models[domain]!)
    }

    func ask(_ settings: AskSettings, onSources: ([PackedPassage]) -> Void, onText: (String) -> Void) throws -> Answer {
        guard search.retriever.dense != nil else { throw CommandError("the index has no vectors; run `cited index rebuild`") }
        preloadModel(for: settings)
        let embedder = try search.retriever.resolvedEmbedder()
        let answerer = Answerer(
            model: { [self] domain in try loadModel(modelName(for: domain, settings: settings)) },
            embedder: embedder, builder: PromptBuilder(library: try PromptLibrary()),
            retrieve: { [search] question, k in
                var parameters = search.parameters
                parameters.k = k
                return try search.retriever.search(question, parameters: parameters).map {
                    RetrievedPassage(passageID: $0.passageID, documentID: $0.documentID, source: $0.source,
                                     text: $0.text, score: $0.score)
                }
            })
        answerer.documentPassages = { [search] document in
            try search.retriever.passages(ofDocument: document).map {
                RetrievedPassage(passageID: $0.passageID, documentID: $0.documentID, source: $0.source, text: $0.text)
            }
        }
        answerer.absentTerms = AbsentTerms(isIndexed: { [search] in try search.retriever.mentions($0) })
        if let bert = embedder as? BertEmbedder {
            answerer.vocabulary = TermVocabulary(embedder: bert, passageShare: { [search] in
                try? search.retriever.passageShare(mentioning: $0)
            })
        }
        var parameters = AskParameters()
        if let policy = settings.policy { parameters.policy = policy }
        if let judge = parameters.policy.judge { answerer.judge = try loadModel(judge) }
        parameters.k = settings.k
        parameters.maxTokens = settings.maxTokens
        parameters.seed = settings.seed
        parameters.strict = settings.strict
        parameters.domain = settings.domain.flatMap(Domain.init(rawValue:))
        if let threshold = settings.minEvidence { parameters.policy.minimumEvidence = threshold }
        var answer = try answerer.answer(settings.question, parameters: parameters, onSources: onSources, onText: onText)
        lastPrompt = answerer.lastPrompt
        lastModel = models[answer.model.isEmpty ? "" : modelName(for: answer.domain, settings: settings)]
        var recorded = settings
        recorded.policy = parameters.policy
        answer.auditID = try log(answer, settings: recorded, answerer: answerer, embedder: embedder)
        return answer
    }

    private func loadModel(_ nameOrPath: String) throws -> GGUFAnswerModel {
        if let preload = preloads.removeValue(forKey: nameOrPath) {
            preload.group.wait()
            models[nameOrPath] = try preload.result!.get()
        }
        if let model = models[nameOrPath] { return model }
        let model = try GGUFAnswerModel(url: try LanguageModelLocator.resolve(nameOrPath))
        models[nameOrPath] = model
        return model
    }

    /// A model being loaded on another thread while the question is embedded and searched.
    private final class Preload: @unchecked Sendable {
        let group = DispatchGroup()
        var result: Result<GGUFAnswerModel, Error>?
    }
    private var preloads: [String: Preload] = [:]

    /// Starts loading the model the answer will need when that does not depend on the routed domain
    /// (`--model`, `--fast`, or one model for every domain): it overlaps retrieval instead of following it.
    func preloadModel(for settings: AskSettings) {
        let configured = Set(configuration.models.values)
        guard let name = settings.model ?? (settings.fast ? configuration.fastModel : configured.count == 1 ? configured.first : nil),
              models[name] == nil, preloads[name] == nil else { return }
        let preload = Preload()
        preloads[name] = preload
        preload.group.enter()
        Thread.detachNewThread {
            preload.result = Result { try GGUFAnswerModel(url: try LanguageModelLocator.resolve(name)) }
            preload.group.leave()
        }
    }

    private func log(_ answer: Answer, settings: AskSettings, answerer: Answerer, embedder: Embedder) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let name = answer.model.isEmpty ? modelName(for: answer.domain, settings: settings) : answer.model
        let modelSHA = ModelCatalog.all.first { name.hasPrefix($0.name) || $0.primaryFile.hasPrefix(name) }?
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
        return try AnswerLog.append(record, to: search.retriever.store)
    }
}

/// The terminal view: sources first, the streamed answer, the checked sentences, the references.
final class AnswerView {
    let stream: Bool
    let color: Bool
    private var streamed = false
    /// The numbers of the sources listed before the answer; any other cited number was found while checking.
    private var shown: Set<Int> = []

    init(stream: Bool) {
        self.stream = stream
        let env = ProcessInfo.processInfo.environment
        color = isatty(STDOUT_FILENO) != 0 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
    }

    private func style(_ code: String, _ text: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func sources(_ passages: [PackedPassage]) {
        shown = Set(passages.map(\.number))
        guard stream else { return }
        print(style("1", "Sources"))
        for passage in passages {
            let flags = passage.source.flags.map { " · " + $0.map { "⚠ \($0.uppercased())" }.joined(separator: " ") } ?? ""
            print("  [\(passage.number)] \(passage.source.id) · \(passage.source.title.prefix(90)) · \(passage.source.locator)\(flags)")
        }
        print("")
        fflush(stdout)
    }

    func text(_ piece: String) {
        guard stream else { return }
        if !streamed { print(style("1", "Answer (streaming)")); streamed = true }
        print(piece, terminator: "")
        fflush(stdout)
    }

    func finish(_ answer: Answer) {
        if streamed { print("\n") }
        if answer.abstained {
            print(style("1", Answer.notFound))
            if !answer.absentTerms.isEmpty {
                let where_ = answer.abstentionReason == .uncoveredTerms ? "The passages found never mention"
                                                                         : "The indexed sources never mention"
                print("\(where_): \(answer.absentTerms.joined(separator: ", ")).")
            }
            if answer.abstentionReason == .unsupported {
                print("The model's answer did not pass the checks against the sources (--verbose shows why).")
            }
            if !answer.nearest.isEmpty {
                print("Related reading (the nearest passages; they do not answer the question):")
                for citation in answer.nearest { print("  " + Self.reference(citation)) }
            }
            return
        }
        if let notice = answer.notice { print(style("33", "⚠ " + notice)) }
        print(style("1", answer.method == .extractive ? "Answer (quoted from the sources)" : "Checked answer"))
        for sentence in answer.sentences {
            let marks = sentence.citations.map { "[\($0)]" }.joined()
            let flag: String
            switch sentence.support {
            case .supported: flag = ""
            case .weak: flag = style("33", " (weakly supported)")
            case .unsupported: flag = style("31", " (unsupported)")
            }
            print("  \(sentence.text) \(marks)\(flag)")
        }
        print("")
        print(style("1", "References"))
        for citation in answer.citations {
            let found = shown.isEmpty || shown.contains(citation.n) ? "" : style("2", " · found while checking the answer")
            print("  " + Self.reference(citation) + found)
        }
        if let id = answer.auditID { print(style("2", "answer \(id) stored; replay with: cited ask --replay \(id)")) }
    }

    static func reference(_ citation: AnswerCitation) -> String {
        let source = citation.source
        var line = "[\(citation.n)] \(source.id)"
        if let doi = source.doi { line += " · doi:\(doi)" }
        line += " · \(source.title)"
        if let year = source.year { line += " (\(year))" }
        line += " · \(source.locator)"
        if let flags = source.flags { line += " · " + flags.map { "⚠ \($0.uppercased())" }.joined(separator: " ") }
        return line
    }
}
