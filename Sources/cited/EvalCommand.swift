import ArgumentParser
import CitedCore
import CitedRetrieve
import Foundation

/// `cited eval`: measures retrieval (and, later, answers) on a question file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure retrieval or answers on a question file (JSON lines).",
        subcommands: [EvalRetrievalCommand.self, EvalAnswersCommand.self, EvalVerifierCommand.self])
}

/// `cited eval retrieval --questions FILE.jsonl`: Recall@1/5/10, MRR and nDCG@10.
struct EvalRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Recall@1/5/10, MRR and nDCG@10 of search on answerable questions.",
        discussion: "A result matches a gold entry when its pmid equals it or its path ends with it (CLI.md).")

    @OptionGroup var options: IndexOptions
    @OptionGroup var retrieval: RetrievalOptions

    @Option(name: .long, help: ArgumentHelp("Question file, JSON lines.", valueName: "FILE.jsonl"))
    var questions: String

    @Flag(name: .long, help: "Evaluate dense, bm25 and hybrid in one run (the report's table).")
    var allModes = false

    @Flag(name: .long, help: "Print one JSON document.")
    var json = false

    struct Output: Encodable {
        var questions: Int
        var mode: String
        var metrics: [String: Double]
        var modes: [String: [String: Double]]?
        var per_question: [RetrievalReport.PerQuestion]
    }

    func run() throws {
        let list: [EvalQuestion]
        do {
            list = try EvalQuestion.load(URL(fileURLWithPath: questions))
        } catch let error as RetrieveError {
            printError("error: \(error)")
            throw ExitCode(1)
        } catch {
            printError("error: cannot read \(questions): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let modes: [SearchMode] = allModes ? [.dense, .bm25, .hybrid] : [retrieval.mode]
        let session = try RetrievalSession(options: options, retrieval: retrieval, modes: modes)
        var reports: [SearchMode: RetrievalReport] = [:]
        for mode in modes {
            let start = Date()
            reports[mode] = try RetrievalEvaluation.run(list, mode: mode.rawValue) { q in
                try session.search(q.question, mode: mode).hits.map(\.source)
            }
            if options.verbose {
                printError(String(format: "%@: %.0f ms per question", mode.rawValue,
                                  Date().timeIntervalSince(start) * 1000 / Double(max(list.count, 1))))
            }
        }
        let main = reports[allModes ? .hybrid : retrieval.mode]!
        if json {
            try printJSON(Output(questions: main.questions, mode: main.mode, metrics: main.metrics,
                                 modes: allModes ? Dictionary(uniqueKeysWithValues: reports.map { ($0.key.rawValue, $0.value.metrics) }) : nil,
                                 per_question: main.perQuestion))
            return
        }
        let keys = ["recall@1", "recall@5", "recall@10", "mrr", "ndcg@10"]
        print("\(main.questions) answerable questions from \(questions)")
        print("mode    " + keys.map { $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
        for mode in modes {
            let m = reports[mode]!.metrics
            print(mode.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + keys.map { String(format: "%-10.3f", m[$0] ?? 0) }.joined())
        }
    }
}
