import ArgumentParser
import CitedAnswer
import CitedEngine
import CitedCore
import CitedRetrieve
import Foundation

/// `cited eval answers --questions FILE.jsonl`: cited_gold, facts, abstain_correct, false_abstain,
/// citation_precision.
struct EvalAnswersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "Answer every question of a file and score the answers.",
        discussion: """
        cited_gold: answerable questions whose answer cites a gold source; facts: share of gold fact \
        strings in the answer (its evidence quotes included); all_facts: answers holding every gold fact;         facts_sentences, all_facts_sentences: the same in the checked sentences alone; false_abstain: answerable \
        questions answered "not found"; abstain_correct: unanswerable questions answered "not found"; \
        citation_precision: citations of answered questions that name a gold source (graded by the \
        question file, never by the verifier); verifier_supported: cited sentences the verifier passed.
        """)

    @OptionGroup var options: IndexOptions
    @Option(name: .long, help: ArgumentHelp("Question file, JSON lines.", valueName: "FILE.jsonl")) var questions: String
    @Option(name: .long, help: ArgumentHelp("Model name or GGUF path.", valueName: "NAME|PATH")) var model: String?
    @Flag(name: .long, help: "Use the configured fast model.") var fast = false
    @Option(name: .long, help: "Only the first N questions.") var limit: Int?
    @Option(name: .long, help: ArgumentHelp("Evidence threshold to evaluate (default: ask's).", valueName: "COSINE"))
    var minEvidence: Float?
    @Option(name: .long, help: ArgumentHelp("Sentinel decline margin to evaluate (default: ask's; 1000: never decline).",
                                            valueName: "LOGITS"))
    var declineMargin: Float?
    @Option(name: .long, help: ArgumentHelp("Judge every supported sentence with this model (default: off).", valueName: "NAME"))
    var judge: String?
    @Option(name: .long, help: ArgumentHelp(
        "Answer policy to evaluate: a JSON object with the AnswerPolicy fields to change (the rest keep their "
            + "defaults), e.g. {\"counterfactual\": false} or {\"verification\": {\"counterfactualMargin\": 4}}.",
        valueName: "FILE.json"))
    var policy: String?
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func validate() throws {
        if let limit { try requireRange(limit, 1...1_000_000, "--limit") }
        if let minEvidence { try requireRange(minEvidence, OptionRanges.cosine, "--min-evidence") }
    }

    struct Output: Encodable {
        var questions: Int
        var model: String
        var metrics: [String: Double]
        var per_question: [AnswerEvaluation.Outcome]
    }

    func run() throws {
        var list = try EvalQuestion.load(URL(fileURLWithPath: questions))
        if let limit { list = Array(list.prefix(limit)) }
        var basePolicy: AnswerPolicy?
        if let policy {
            do { basePolicy = try JSONDecoder().decode(AnswerPolicy.self, from: Data(contentsOf: URL(fileURLWithPath: policy))) }
            catch { throw CommandError("\(policy): not an answer policy: \(error.localizedDescription)") }
        }
        let engine = try options.openEngine(answers: true)
        var outcomes: [AnswerEvaluation.Outcome] = []
        var modelName = model ?? ""
        for (index, question) in list.enumerated() {
            let start = Date()
            var settings = AskSettings(question: question.question, k: 6, model: model, fast: fast,
                                       domain: nil, maxTokens: AskParameters().maxTokens, seed: 0, strict: false, minEvidence: minEvidence)
            if declineMargin != nil || judge != nil || basePolicy != nil {
                var policy = basePolicy ?? AnswerPolicy()
                if let declineMargin { policy.declineMargin = declineMargin }
                if let judge { policy.judge = judge }
                settings.policy = policy
            }
            let answer = try engine.ask(settings).answer
            if !answer.model.isEmpty { modelName = answer.model }
            let outcome = AnswerEvaluation.outcome(of: answer, for: question,
                                                   milliseconds: Int(Date().timeIntervalSince(start) * 1000))
            outcomes.append(outcome)
            printError("[\(index + 1)/\(list.count)] \(question.id): \(answer.abstained ? "abstained" : "answered")"
                + (outcome.citedGold ? ", cites gold" : "") + " (\(outcome.milliseconds) ms)")
        }
        let metrics = AnswerEvaluation.metrics(outcomes)
        if json { return try printJSON(Output(questions: list.count, model: modelName, metrics: metrics, per_question: outcomes)) }
        print("questions: \(list.count)  model: \(modelName)")
        for key in metrics.keys.sorted() { print(String(format: "  %-20@ %.3f", key as NSString, metrics[key]!)) }
    }
}
