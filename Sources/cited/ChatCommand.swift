import ArgumentParser
import CitedAnswer
import CitedCore
import CitedEngine
import Foundation

/// `cited chat`: ask, then ask follow-ups; earlier turns feed the retrieval query.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Ask questions interactively; follow-up questions keep the conversation's context.",
        discussion: """
        Each answer is cited, checked and stored like `cited ask`'s. A follow-up such as "and in \
        children?" is searched together with the key terms of the previous turns. Type /quit (or \
        Ctrl-D) to leave, /new to forget the conversation.
        """)

    @OptionGroup var options: IndexOptions
    @Option(name: .long, help: ArgumentHelp("Model name or GGUF path.", valueName: "NAME|PATH")) var model: String?
    @Flag(name: .long, help: "Use the configured fast model.") var fast = false
    @Flag(name: .long, help: "Drop unsupported sentences instead of flagging them.") var strict = false

    func run() throws {
        let engine = try options.openEngine(answers: true)
        var history = Conversation()
        let interactive = isatty(STDIN_FILENO) != 0
        while true {
            if interactive { print("› ", terminator: ""); flushStandardOutput() }
            guard let line = readLine() else { break }
            let question = line.trimmingCharacters(in: .whitespaces)
            if question.isEmpty { continue }
            if question == "/quit" || question == "/exit" { break }
            if question == "/new" { history = Conversation(); print("(new conversation)"); continue }
            let query = history.retrievalQuery(for: question)
            let settings = AskSettings(question: query, k: 6, model: model, fast: fast, domain: nil, maxTokens: AskParameters().maxTokens,
                                       seed: 0, strict: strict)
            let view = AnswerView(stream: true)
            var answer = try engine.ask(settings, onSources: { view.sources($0) }, onText: { view.text($0) }).answer
            answer.question = question
            view.finish(answer)
            history.append(question: question, answer: answer.abstained ? "" : answer.answer)
            print("")
        }
    }
}
