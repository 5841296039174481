import CitedCore

/// A sentence of a cited passage shown word for word under the answer: the source's own statement of the
/// finding, with its figures, arms and API names exactly as written.
public struct EvidenceQuote: Codable, Equatable, Sendable {
    /// The number of the passage quoted (as the answer cites it).
    public var n: Int
    /// The passage's sentence, verbatim (whitespace collapsed; cut with "…" past `EvidenceQuotes.maxCharacters`).
    public var text: String

    public init(n: Int, text: String) {
        self.n = n
        self.text = text
    }
}

/// Chooses the evidence quotes of a checked answer. A small model's sentence often drops the numbers a
/// question asks for or rounds them; the passage it cites states them. For each passage the kept sentences
/// cite, the quote is the passage sentence sharing the most content words and numbers with those sentences
/// and with the question (numbers weigh more in clinical answers), among the sentences that add something
/// the answer does not already say. Quotes never stand in for an answer: an answer with no
/// supported sentence has none (it abstains), and a quote only backs a sentence the verifier accepted.
public enum EvidenceQuotes {
    /// A quote longer than this is cut at a word boundary and marked with "…".
    public static let maxCharacters = 420

    /// Up to `limit` quotes, one per cited passage, in the order the answer first cites them.
    public static func select(for sentences: [AnswerSentence], question: String, passages: [EvidencePassage],
                              domain: Domain, limit: Int) -> [EvidenceQuote] {
        guard limit > 0 else { return [] }
        let backed = sentences.filter { $0.support == .supported }
        var order: [Int] = []
        for sentence in backed { for n in sentence.citations where !order.contains(n) { order.append(n) } }
        let asked = Entailment.Unit(question)
        var quotes: [EvidenceQuote] = []
        for n in order where quotes.count < limit {
            guard let passage = passages.first(where: { $0.number == n }) else { continue }
            let claim = Entailment.Unit(backed.filter { $0.citations.contains(n) }.map(\.text).joined(separator: " "))
            if let quote = best(in: passage.text, claim: claim, question: asked, domain: domain) {
                quotes.append(EvidenceQuote(n: n, text: quote))
            }
        }
        return quotes
    }

    /// The passage sentence that says most about the claim and the question, among those that add to it.
    static func best(in passage: String, claim: Entailment.Unit, question: Entailment.Unit, domain: Domain) -> String? {
        var best: (text: String, score: Double)?
        for candidate in SentenceSplitter.split(passage).map(\.text) {
            guard candidate.split(whereSeparator: \.isWhitespace).count >= 4, !candidate.hasSuffix(":"),
                  !isCode(candidate), InstructionDetector.rule(for: candidate) == nil else { continue }
            let unit = Entailment.Unit(candidate)
            // The answer already says all of it: quoting it would repeat the sentence.
            if unit.stems.isSubset(of: claim.stems) && unit.numbers.allSatisfy(claim.containsNumber) { continue }
            let sharedClaim = unit.stems.intersection(claim.stems).count
            let sharedQuestion = unit.stems.intersection(question.stems).count
            let sharedNumbers = claim.numbers.filter(unit.containsNumber).count
            // It must be about the claim: a sentence that only echoes the question backs nothing.
            guard sharedClaim + sharedNumbers >= 2 else { continue }
            var score = Double(sharedClaim + sharedQuestion) + 0.5 * Double(sharedNumbers)
            if domain == .clinical { score += 0.5 * Double(min(unit.numbers.count, 4)) }
            if best == nil || score > best!.score { best = (candidate, score) }
        }
        return best.map { cut($0.text) }
    }

    /// A code block or interpreter example rather than a sentence of prose (two lines in a row: ingest joins a
    /// paragraph's lines, so only code keeps them; or a `>>>` prompt): it shows how, not what the source states.
    static func isCode(_ text: String) -> Bool {
        if text.contains(">>>") { return true }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { !$0.allSatisfy(\.isWhitespace) }
        return zip(lines, lines.dropFirst()).contains { $0 && $1 }
    }

    /// `text` within `maxCharacters`, cut after a whole word.
    static func cut(_ text: String) -> String {
        guard text.count > maxCharacters else { return text }
        let prefix = text.prefix(maxCharacters)
        let end = prefix.lastIndex(where: \.isWhitespace) ?? prefix.endIndex
        return String(prefix[..<end]) + " …"
    }
}
