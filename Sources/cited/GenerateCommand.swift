import ArgumentParser
import CitedGenerate
import CitedModel
import Foundation

/// `cited generate`: run the local language model on a prompt, streaming its text.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a local GGUF language model (streams text to stdout).")

    @Argument(help: "The prompt text (special-token text such as <|im_start|> is recognised).")
    var prompt: String

    @Option(help: ArgumentHelp("Model name in the cache (\(LanguageModelLocator.knownNames.joined(separator: ", "))) "
                               + "or a .gguf path.", valueName: "NAME|PATH"))
    var model: String = LanguageModelLocator.defaultName

    @Option(name: .customLong("max-tokens"), help: "Most tokens to generate.")
    var maxTokens: Int = 256

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Float = 0

    @Option(help: "Sampler seed.")
    var seed: UInt64 = 0

    @Option(name: .customLong("top-k"), help: "Top-k cut-off (0: off).")
    var topK: Int = 40

    @Option(name: .customLong("top-p"), help: "Top-p (nucleus) cut-off.")
    var topP: Float = 0.95

    @Option(name: .customLong("min-p"), help: "Min-p cut-off.")
    var minP: Float = 0.05

    @Option(name: .customLong("repeat-penalty"), help: "Repetition penalty (1: off).")
    var repeatPenalty: Float = 1

    @Option(name: .customLong("stop"), help: "Stop before this string (repeatable).")
    var stop: [String] = []

    @Option(name: .customLong("context"), help: "KV cache size in tokens.")
    var context: Int = 4096

    @Option(name: .customLong("draft-tokens"),
            help: ArgumentHelp("Greedy only: tokens copied from earlier in the text that are checked with each step, "
                               + "and kept while they are what the model picks (same output, fewer passes; 0: off; "
                               + "at most \(LanguageModel.maxStepTokens - 1)).", valueName: "N"))
    var draftTokens = GenerateParameters().draftTokens

    @Option(help: "Threads for the matrix kernels.")
    var threads: Int = 2

    @Flag(name: .customLong("ignore-eos"), help: "Keep generating past end-of-generation tokens (benchmarks).")
    var ignoreEOS = false

    @Flag(help: "Wrap the prompt in the model's chat template.")
    var chat = false

    @Flag(help: "Print one JSON document instead of streaming text.")
    var json = false

    @Flag(help: "Print load time and throughput on stderr.")
    var verbose = false

    func validate() throws {
        guard !prompt.isEmpty else { throw ValidationError("the prompt is empty") }
        try requireRange(maxTokens, 0...(1 << 17), "--max-tokens")
        try requireRange(temperature, 0...100, "--temperature")
        try requireRange(threads, OptionRanges.threads, "--threads")
        try requireRange(context, 16...(1 << 17), "--context")
        try requireRange(topK, 0...(1 << 22), "--top-k")
        try requireRange(topP, 0...1, "--top-p")
        try requireRange(minP, 0...1, "--min-p")
        try requireRange(repeatPenalty, 0.01...100, "--repeat-penalty")
        try requireRange(draftTokens, 0...(LanguageModel.maxStepTokens - 1), "--draft-tokens")
    }

    func run() throws {
        do {
            try generate()
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }

    private func generate() throws {
        LanguageModel.setThreads(threads)
        let url = try LanguageModelLocator.resolve(model)
        let loadStart = Date()
        let lm = try LanguageModel(url: url, contextLength: context)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let generator = Generator(model: lm)
        let ids = try generator.promptTokens(prompt, chat: chat)
        var parameters = GenerateParameters(maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP,
                                            minP: minP, repetitionPenalty: repeatPenalty, seed: seed,
                                            stopStrings: stop, stopOnEndOfGeneration: !ignoreEOS)
        parameters.draftTokens = draftTokens
        let out = FileHandle.standardOutput
        let result = try generator.generate(prompt: ids, parameters: parameters, onText: { piece in
            if !json { out.write(Data(piece.utf8)) }
            return true
        })
        if json {
            try printJSON(GenerateOutput(model: lm.name, promptTokens: result.promptTokens, tokens: result.tokens,
                                         text: result.text, prefill: result.prefillTokensPerSecond,
                                         decode: result.decodeTokensPerSecond, stopReason: result.stopReason.rawValue,
                                         loadMilliseconds: Int(loadSeconds * 1000), draftedTokens: result.draftedTokens))
        } else {
            out.write(Data("\n".utf8))
        }
        if verbose {
            printError(String(format: "load %.0f ms, prompt %d tokens at %.1f tok/s, %d tokens (%d drafted) at %.1f tok/s (%@)",
                              loadSeconds * 1000, result.promptTokens, result.prefillTokensPerSecond,
                              result.tokens.count, result.draftedTokens, result.decodeTokensPerSecond,
                              result.stopReason.rawValue))
        }
    }
}

/// `generate --json`, per CLI.md.
struct GenerateOutput: Encodable {
    var model: String
    var promptTokens: Int
    var tokens: [Int32]
    var text: String
    var prefill: Double
    var decode: Double
    var stopReason: String
    var loadMilliseconds: Int
    var draftedTokens: Int

    enum CodingKeys: String, CodingKey {
        case model, tokens, text
        case draftedTokens = "drafted_tokens"
        case promptTokens = "prompt_tokens"
        case prefill = "prefill_tokens_per_s"
        case decode = "decode_tokens_per_s"
        case stopReason = "stop_reason"
        case loadMilliseconds = "load_ms"
    }
}
