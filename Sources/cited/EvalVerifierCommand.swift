import ArgumentParser
import CitedAnswer
import CitedEngine
import CitedKernels
import CitedModel
import CitedRetrieve
import Foundation

/// `cited eval verifier --pairs FILE.jsonl`: how often the verifier accepts faithful sentences and rejects
/// perturbed ones.
struct EvalVerifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier",
        abstract: "Score the answer verifier on labelled (passage, sentence) pairs.",
        discussion: """
        Each line: {"id", "split", "domain", "context", "passage", "sentence", "label": "supported"|"unsupported", \
        "kind"}. Prints faithful_accepted and perturbed_rejected per split and the rejection rate per kind. With \
        an index (--index, or ./Index when it exists), words the index uses often count as ordinary vocabulary, \
        as in `cited ask`; without one, only the embedder's vocabulary does.

        Example:
          cited eval verifier --pairs Tests/CitedAnswerTests/Fixtures/verifier/verifier-set.jsonl
        """)

    @OptionGroup var options: IndexOptions
    @Option(name: .long, help: ArgumentHelp("Labelled pairs, JSON lines.", valueName: "FILE.jsonl")) var pairs: String
    @Flag(name: .long, help: "Print every verdict, not only the metrics.") var all = false
    @Option(name: .long, help: ArgumentHelp("Also ask this model whether each passage states its sentence.", valueName: "NAME|PATH"))
    var judge: String?
    @Option(name: .long, help: ArgumentHelp("Reject when logit(Yes) − logit(No) is below this.", valueName: "MARGIN"))
    var judgeMargin: Float = 0
    @Option(name: .long, help: ArgumentHelp("Also run the counterfactual test with this model (the answer model).",
                                            valueName: "NAME|PATH"))
    var counterfactual: String?
    @Option(name: .long, help: ArgumentHelp("Reject when the model prefers a swapped word by more than this.",
                                            valueName: "LOGITS"))
    var counterfactualMargin: Float = VerificationPolicy().counterfactualMargin
    @Flag(name: .long, inversion: .prefixedNo,
          help: "Also test the sides of each comparison (a word before \"than\" against the one after it).")
    var counterfactualSides = VerificationPolicy().counterfactualSides
    @Flag(name: .long, help: "Print one JSON document.") var json = false

    struct Output: Encodable {
        var pairs: Int
        var metrics: [String: Double]
        var outcomes: [VerifierEvaluation.Outcome]
    }

    func run() throws {
        Dense.stopIdleBLASThreads()
        let list = try VerifierEvaluation.load(URL(fileURLWithPath: pairs))
        let embedder = try BertEmbedder(directory: EmbedCommand.modelDirectory(EmbedCommand.defaultEmbedder), chunkerVersion: 0)
        var share: ((String) -> Double?)?
        if options.indexExists {
            let engine = try options.openEngine(needsVectors: false)
            share = { term in try? engine.withRetriever { try $0.passageShare(mentioning: term) } }
        }
        let vocabulary = TermVocabulary(embedder: embedder, passageShare: share)
        var verifier = Verifier(embed: { try embedder.embed([$0]) }, isCommonWord: { vocabulary.isCommon($0) })
        verifier.policy.judgeMargin = judgeMargin
        if let judge {
            let model = try GGUFAnswerModel(url: try LanguageModelLocator.resolve(judge))
            let library = try PromptLibrary()
            verifier.judge = { claim, source in
                guard let prompt = library.judgePrompt(claim: claim, source: source) else { throw CommandError("no Prompts/judge.md") }
                let margin = try model.judge(prompt)
                if options.verbose { printError(String(format: "judge %.2f  %@", margin, claim)) }
                return margin
            }
        }
        verifier.policy.counterfactualMargin = counterfactualMargin
        verifier.policy.counterfactualSides = counterfactualSides
        if let counterfactual {
            let model = try GGUFAnswerModel(url: try LanguageModelLocator.resolve(counterfactual))
            let verbose = options.verbose, claim = ClaimBox()
            if all {
                // Every comparison on stderr (kind, margin, word, alternative, sentence), to choose margins per
                // kind offline.
                model.onCounterfactualCheck = { finding in
                    printError(String(format: "check\t%@\t%.3f\t%@\t%@\t%@", finding.kind.rawValue, finding.margin,
                                      finding.word, finding.alternative, claim.text))
                }
            }
            verifier.counterfactual = { text, source, slots in
                claim.text = text
                let finding = try model.counterfactual(claim: text, source: source, slots: slots)
                if verbose, let finding {
                    printError(String(format: "counterfactual %.2f  %@ → %@  %@", finding.margin, finding.word,
                                      finding.alternative, text))
                }
                return finding
            }
        }
        let outcomes = try VerifierEvaluation.run(list, verifier: verifier, embedder: embedder)
        let metrics = VerifierEvaluation.metrics(outcomes)
        if json { return try printJSON(Output(pairs: list.count, metrics: metrics, outcomes: all ? outcomes : [])) }
        print("pairs: \(list.count)")
        for key in metrics.keys.sorted() { print(String(format: "  %-32@ %.3f", key as NSString, metrics[key]!)) }
        if all || options.verbose {
            for outcome in outcomes where !outcome.correct {
                print("WRONG \(outcome.id) [\(outcome.kind)] accepted=\(outcome.accepted) \(outcome.rule ?? "") \(outcome.detail ?? "")")
            }
        }
    }
}

/// The sentence under test, for the per-comparison trace.
private final class ClaimBox: @unchecked Sendable { var text = "" }
