import CitedGenerate
import CitedKernels
import CitedModel
import CitedTokenizer
import Foundation

/// The product's answer model: a GGUF model run by Cited's engine, chat-templated, greedy by default.
/// The system prompt and the template's fixed start are prefilled once and kept by a `PromptCache`.
public final class GGUFAnswerModel: AnswerModel, StatementJudge {
    public let generator: Generator
    public let promptCache: PromptCache
    public var name: String { generator.model.name }
    /// The source tokens the model's cache holds from the last counterfactual test (nil when anything else
    /// ran since).
    private var counterfactualHead: [Int32]?
    /// Called with every comparison the counterfactual test makes (for evaluation traces).
    public var onCounterfactualCheck: ((Counterfactual.Finding) -> Void)?
    /// Prompt tokens of the last answer, and how many of them came from the prompt cache.
    public private(set) var lastPromptTokens = 0, lastCachedTokens = 0
    /// Tokens the last answer generated, and the seconds its decode steps took.
    public private(set) var lastGeneratedTokens = 0, lastDecodeSeconds = 0.0

    public init(url: URL, contextLength: Int = 4096, promptCache: PromptCache = .standard()) throws {
        generator = Generator(model: try LanguageModel(url: url, contextLength: contextLength))
        self.promptCache = promptCache
    }

    public lazy var tokenTexts: [String] = {
        let tokenizer = generator.model.tokenizer
        return (0..<tokenizer.vocabularySize).map { String(decoding: tokenizer.bytes(of: Int32($0)), as: UTF8.self) }
    }()

    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         onText: (String) -> Void) throws -> String {
        try generate(prompt, maxTokens: maxTokens, seed: seed, stop: stop, constrain: constrain,
                     isCancelled: { false }, onText: onText)
    }

    /// `generate`, stopping after the token at which `isCancelled` turns true (the text so far is returned).
    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         isCancelled: () -> Bool, onText: (String) -> Void) throws -> String {
        counterfactualHead = nil
        let text = try generator.chatText(prompt.user, system: prompt.system,
                                          history: prompt.exchanges.map { ($0.user, $0.assistant) })
        let ids = generator.tokens(of: text)
        let cached = try promptCache.prepare(generator.model, prompt: ids,
                                             prefixLength: Self.fixedLength(ids, text: text, prompt: prompt, generator: generator))
        var parameters = GenerateParameters.greedy(maxTokens: maxTokens)
        parameters.seed = seed
        parameters.stopStrings = stop
        let result = try generator.generate(prompt: ids, parameters: parameters, cached: cached,
                                            logitProcessor: constrain) { piece in
            onText(piece)
            return !isCancelled()
        }
        lastPromptTokens = result.promptTokens
        lastCachedTokens = result.cachedTokens
        lastGeneratedTokens = result.tokens.count
        lastDecodeSeconds = result.decodeSeconds
        return result.text
    }

    /// The model's judgment of a yes/no prompt: logit(Yes) − logit(No) for the first answer token, from one
    /// forward pass over the prompt (its fixed start from the prompt cache). Positive means yes.
    public func judge(_ prompt: Prompt) throws -> Float {
        counterfactualHead = nil
        let text = try generator.chatText(prompt.user, system: prompt.system,
                                          history: prompt.exchanges.map { ($0.user, $0.assistant) })
        let ids = generator.tokens(of: text)
        let cached = try promptCache.prepare(generator.model, prompt: ids,
                                             prefixLength: Self.fixedLength(ids, text: text, prompt: prompt, generator: generator))
        if cached == 0 { generator.model.reset() }
        let logits = try generator.model.forward(Array(ids[cached...]))
        func best(_ words: [String]) -> Float {
            words.compactMap { word -> Float? in
                let tokens = generator.tokens(of: word)
                guard tokens.count == 1, Int(tokens[0]) < logits.count else { return nil }
                return logits[Int(tokens[0])]
            }.max() ?? -.infinity
        }
        return best(["Yes", "yes", " Yes"]) - best(["No", "no", " No"])
    }

    /// How many of `ids` (the rendered chat `text`) are fixed for the domain: the tokens of the text up to
    /// the end of the template's fixed start, as far as they agree with `ids` (merges may cross the cut).
    static func fixedLength(_ ids: [Int32], text: String, prompt: Prompt, generator: Generator) -> Int {
        guard let userStart = text.range(of: prompt.user)?.lowerBound else { return 0 }
        let end = text.utf8.index(userStart, offsetBy: prompt.fixedUserPrefix.utf8.count)
        return PromptCache.sharedLength(of: ids, head: generator.tokens(of: String(text[..<end])))
    }
}

extension GGUFAnswerModel: CounterfactualScorer {
    /// What the model reads before the claim. The claim follows on a line of its own, so its tokens do not
    /// depend on the source's.
    static func counterfactualHead(_ source: String) -> String {
        "Source:\n\(source)\n\nA statement that agrees with the source:\n"
    }

    /// One pass over the source and the claim, stopping at each place where a variant's tokens part from the
    /// claim's: there the logits of the two tokens that differ are compared. A variant preferred there is read
    /// on (`windowMargin`): its first token alone says little ("Patients with an OS below 3.65 …" opens as
    /// likely as "… an NLR below 3.65 …"). Source and claim are plain text (special-token text is not parsed: a
    /// passage cannot end the turn).
    public func counterfactual(claim: String, source: String, slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding? {
        let tokenizer = generator.model.tokenizer
        func tokens(_ text: String) -> [Int32] { tokenizer.encode(text, addSpecial: false, parseSpecial: false) }
        let claimBytes = Array(claim.utf8)
        let claimIDs = tokens(claim)
        struct Check {
            var position: Int, own: Int32, other: Int32, word: String, alternative: String, kind: Counterfactual.Kind
            var variant: [Int32]
        }
        var checks: [Check] = []
        for slot in slots where slot.offset + slot.word.utf8.count <= claimBytes.count {
            for alternative in slot.alternatives {
                let variant = String(decoding: claimBytes[..<slot.offset] + Array(alternative.utf8)
                                     + claimBytes[(slot.offset + slot.word.utf8.count)...], as: UTF8.self)
                let ids = tokens(variant)
                var position = 0
                while position < claimIDs.count, position < ids.count, claimIDs[position] == ids[position] { position += 1 }
                guard position < claimIDs.count, position < ids.count else { continue }
                checks.append(Check(position: position, own: claimIDs[position], other: ids[position],
                                    word: slot.word, alternative: alternative, kind: slot.kind, variant: ids))
            }
        }
        guard !checks.isEmpty else { return nil }
        let head = tokens(Self.counterfactualHead(source))
        let all = head + claimIDs
        let headCount = head.count
        let model = generator.model
        var done = 0
        // The sentences of an answer mostly cite one passage: its head is kept from the last test.
        // All of the head but its last token is always run as a batch of its own, kept or not, so a verdict
        // does not depend on which sentence came first. (The last token runs with the claim: a claim's first
        // token is checked on the logits it gives.)
        if let kept = counterfactualHead, kept == head {
            model.truncate(to: headCount - 1)
        } else {
            model.reset()
            try model.forward(Array(head.dropLast()))
        }
        done = headCount - 1
        counterfactualHead = nil
        var firstTokens: [(check: Check, finding: Counterfactual.Finding)] = []
        for position in Set(checks.map(\.position)).sorted() {
            let logits = try model.forward(Array(all[done..<(headCount + position)]))
            done = headCount + position
            if done >= headCount, counterfactualHead == nil { counterfactualHead = head }
            for check in checks where check.position == position {
                let finding = Counterfactual.Finding(word: check.word, alternative: check.alternative, kind: check.kind,
                                                     margin: logits[Int(check.other)] - logits[Int(check.own)])
                onCounterfactualCheck?(finding)
                firstTokens.append((check, finding))
            }
        }
        // The variants preferred at their first token, strongest first, are read on.
        let preferred = firstTokens.filter { $0.finding.margin > 0 }.sorted { $0.finding.margin > $1.finding.margin }
        var findings = firstTokens.filter { $0.finding.margin <= 0 }.map(\.finding)
        var cached = done
        for (check, finding) in preferred.prefix(Self.windowChecks) {
            var read = finding
            read.margin = try windowMargin(claim: claimIDs, variant: check.variant, from: check.position, head: head,
                                           cached: &cached)
            findings.append(read)
        }
        findings += preferred.dropFirst(Self.windowChecks).map(\.finding)
        return findings.max { $0.margin < $1.margin }
    }

    /// How many preferred variants a test reads on (each costs a few one-token passes).
    static let windowChecks = 3
    /// Tokens of the shared rest of the sentence read after the words that differ.
    static let windowAfter = 6

    /// log P(variant) − log P(claim) over the tokens where the two differ and the next `windowAfter` tokens they
    /// share, both read after `head` and the claim's first `position` tokens. `cached`: how many leading cache
    /// entries hold `head` + `claim` (the model's cache is left holding at least the first `position` - 1 after
    /// `head`).
    func windowMargin(claim: [Int32], variant: [Int32], from position: Int, head: [Int32], cached: inout Int) throws -> Float {
        var shared = 0
        while shared < min(claim.count, variant.count) - position,
              claim[claim.count - 1 - shared] == variant[variant.count - 1 - shared] { shared += 1 }
        let start = head.count + position
        if cached < start - 1 {
            generator.model.truncate(to: cached)
            try generator.model.forward(Array((head + claim)[cached..<(start - 1)]))
        }
        cached = start - 1
        func logProbability(_ sequence: [Int32]) throws -> Float {
            let end = min(sequence.count, sequence.count - shared + Self.windowAfter)
            let context = head + sequence
            generator.model.truncate(to: start - 1)
            var total: Float = 0
            var next = start
            while next < head.count + end {
                let count = min(LanguageModel.maxStepTokens, head.count + end - next)
                let rows = try generator.model.forwardEach(Array(context[(next - 1)..<(next - 1 + count)]))
                for (offset, row) in rows.enumerated() {
                    total += Dense.logSoftmax(UnsafeBufferPointer(row), at: Int(context[next + offset]))
                }
                next += count
            }
            return total
        }
        return try logProbability(variant) - logProbability(claim)
    }
}
