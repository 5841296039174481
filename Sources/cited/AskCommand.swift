import ArgumentParser
import CitedAnswer
import CitedCore
import CitedEngine
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
        passage states; the meaning must match; and the model, having read the passage, must prefer the \
        sentence's own numbers, names and comparison words to the passage's others. A sentence the shown \
        passages do not back is searched for in the index, and cited to a passage found that backs it (listed under \
        References). Sentences that fail are left out (--verbose shows each check); weakly supported \
        ones are flagged (left out with --strict). When the evidence is weak, the question names \
        something the passages never mention, the model says the sources lack the answer, nothing \
        checks out, or the checked sentences together answer another question (far from it in meaning) \
        or only repeat what the question states or give a study's aim or methods, \
        the answer is "Not found in the indexed sources." with related reading.

        Models per domain come from ./cited.toml or ~/.config/cited/config.toml ([models] clinical, \
        code, math, fast, counterfactual), else the built-in defaults: Qwen2.5-Coder-0.5B answers, and runs \
        the counterfactual test of every local answer model. A model may be `endpoint:NAME`, an OpenAI-compatible \
        server declared under [endpoints.NAME] (llama.cpp, vLLM, …): the prompt, the checks and the audit \
        record stay the same, except the counterfactual test, which needs the model's logits (a server \
        returns none); markers naming passages it was not given are removed and traced. `--json` names the \
        endpoint that answered. With no endpoint configured, ask opens no socket. Every answer is stored for \
        audit; `cited ask --replay ID` runs it again with the same settings.

        Examples:
          cited ask "What dose of vitamin K2 was used for osteoporosis?"
          cited ask --fast --json "How does functools.lru_cache bound its size?"
          cited ask --model endpoint:coder "How does bisect.insort work?"
        """)

    @OptionGroup var options: IndexOptions

    @Argument(help: "The question, in your own words.")
    var question: String?

    @Option(name: .long, help: "Passages to retrieve before packing.") var k = 6
    @Option(name: .long, help: ArgumentHelp("Model name (cited models list), GGUF path, or endpoint:NAME (an "
                                            + "[endpoints.NAME] server in cited.toml).", valueName: "NAME|PATH|endpoint:NAME"))
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
        let engine = try options.openEngine(answers: true)
        if let replay {
            settings = try engine.storedSettings(id: replay)
            if !json { printError("replaying answer \(replay): \(settings.question)") }
        }
        let view = AnswerView(stream: !noStream && !json)
        let outcome = try engine.ask(settings, onSources: { view.sources($0) }, onText: { view.text($0) })
        let answer = outcome.answer
        if json { try printJSON(answer) } else { view.finish(answer) }
        if options.verbose {
            AnswerView.describePrompt(of: outcome)
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
        flushStandardOutput()
    }

    func text(_ piece: String) {
        guard stream else { return }
        if !streamed { print(style("1", "Answer (streaming)")); streamed = true }
        print(piece, terminator: "")
        flushStandardOutput()
    }

    func finish(_ answer: Answer) {
        if streamed { print("\n") }
        if answer.abstained {
            print(style("1", Answer.notFound))
            if !answer.absentTerms.isEmpty {
                let where_: String
                switch answer.abstentionReason {
                case .uncoveredTerms: where_ = "The passages found never mention"
                case .offSubject: where_ = "The model's checked answer never mentions"
                default: where_ = "The indexed sources never mention"
                }
                print("\(where_): \(answer.absentTerms.joined(separator: ", ")).")
            }
            if answer.abstentionReason == .unsupported {
                print("The model's answer did not pass the checks against the sources (--verbose shows why).")
            }
            if answer.abstentionReason == .unresponsive {
                print("The model's checked sentences do not answer it: they answer another question, repeat yours, "
                      + "or give a study's aim or methods, not its findings (--verbose shows them).")
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
        if !answer.quotes.isEmpty {
            print("")
            print(style("1", Answer.quotesHeading))
            for quote in answer.quotes { print("  [\(quote.n)] \u{201C}\(quote.text)\u{201D}") }
        }
        print("")
        print(style("1", "References"))
        for citation in answer.citations {
            let found = shown.isEmpty || shown.contains(citation.n) ? "" : style("2", " · found while checking the answer")
            print("  " + Self.reference(citation) + found)
        }
        if let id = answer.auditID { print(style("2", "answer \(id) stored; replay with: cited ask --replay \(id)")) }
    }

    /// The prompt of an answer and its token counts, on stderr (for --verbose).
    static func describePrompt(of outcome: AskOutcome) {
        guard let prompt = outcome.prompt else { return }
        printError("--- prompt (sha256 \(prompt.sha256.prefix(12))) ---\n[system]\n\(prompt.system)\n[user]\n\(prompt.user)\n---")
        if let endpoint = outcome.answer.endpoint {
            printError("answered by endpoint \(endpoint.name): \(endpoint.model) at \(endpoint.baseURL) "
                       + "(citation markers: \(endpoint.constraint == "none" ? "filtered after generation" : endpoint.constraint))")
        } else {
            printError("prompt tokens: \(outcome.promptTokens), of which \(outcome.cachedTokens) from the prompt cache")
        }
    }

    static func reference(_ citation: AnswerCitation) -> String {
        "[\(citation.n)] " + citation.source.referenceLine
    }
}
