import Foundation
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
/// question asks for or rounds them; the source it cites states them. For each passage the kept sentences
/// cite, the quote is the sentence sharing the most content words and numbers with those sentences and with
/// the question (numbers weigh more in clinical answers), among the sentences that add something the answer
/// does not already say, taken from that passage or from another listed passage of the same document (the
/// answer cites an abstract's conclusions; its results section, also listed, has the figures). Quotes never
/// stand in for an answer: an answer with no supported sentence has none (it abstains), and a quote only
/// backs a sentence the verifier accepted, from the document that sentence cites.
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
        // A code answer's first cited API entry: its signature, when it names a parameter or default the answer
        // leaves out (the answer says what to call; the signature says how, exactly as documented).
        if domain != .clinical, let (n, text) = order.lazy.compactMap({ n in
            passages.first { $0.number == n }.flatMap { passage in
                signature(of: passage.text, adding: backed.map(\.text).joined(separator: " ")).map { (n, $0) }
            }
        }).first {
            quotes.append(EvidenceQuote(n: n, text: text))
        }
        for n in order where quotes.count < limit {
            guard let passage = passages.first(where: { $0.number == n }) else { continue }
            let claim = Entailment.Unit(backed.filter { $0.citations.contains(n) }.map(\.text).joined(separator: " "))
            // Passages the answer cites itself get their own turn. Other sections of the document only in clinical answers: an abstract's sections are one study,
            // a documentation page's sections are about many things.
            let siblings = domain != .clinical ? [] : passages.filter { other in
                other.number != n && other.document != nil && other.document == passage.document && !order.contains(other.number)
            }
            // Another section is quoted only for effect figures the cited passage's best sentence lacks.
            var found: (n: Int, quote: Candidate)?
            for candidate in [passage] + siblings where !quotes.contains(where: { $0.n == candidate.number }) {
                guard let quote = best(in: candidate.text, claim: claim, question: asked, domain: domain) else { continue }
                if found == nil || (candidate.number == n ? found!.quote < quote : found!.quote.figures < quote.figures) {
                    found = (candidate.number, quote)
                }
            }
            if let found { quotes.append(EvidenceQuote(n: found.n, text: cut(found.quote.text))) }
        }
        if domain == .clinical, quotes.count < limit, !quotes.isEmpty,
           let extra = questionPart(order: order, answer: backed.map(\.text) + quotes.map(\.text), question: asked,
                                    passages: passages) {
            quotes.append(extra)
        }
        return quotes
    }

    /// A clinical question in two parts ("does low albumin predict a long stay, and what level defines
    /// malnutrition?") often gets an answer to one. A further quote, from a cited passage or another section of
    /// its document, for the question's words that neither the answer nor its quotes cover: the sentence holding
    /// the most of them, at least one, sharing two words with the question, and holding a figure (it is the
    /// figures that were missing). Not in code answers: a page's other sentences are about other things.
    static func questionPart(order: [Int], answer: [String], question: Entailment.Unit,
                             passages: [EvidencePassage]) -> EvidenceQuote? {
        let said = Entailment.Unit(answer.joined(separator: " "))
        let open = question.stems.subtracting(said.stems)
        guard !open.isEmpty else { return nil }
        let cited = order.compactMap { n in passages.first { $0.number == n } }
        let documents = Set(cited.compactMap(\.document))
        let pool = cited + passages.filter { passage in
            !order.contains(passage.number) && passage.document.map(documents.contains) == true
        }
        var best: (n: Int, text: String, score: Int)?
        for passage in pool {
            for text in SentenceSplitter.split(passage.text).map(\.text) {
                guard text.split(whereSeparator: \.isWhitespace).count >= 4, !text.hasSuffix(":"), !isCode(text),
                      Verifier.hasProse(text), InstructionDetector.rule(for: text) == nil,
                      !answer.contains(where: { $0.contains(text) || text.contains($0) }) else { continue }
                let unit = Entailment.Unit(text)
                let covered = unit.stems.intersection(open).count
                guard covered >= 1, unit.stems.intersection(question.stems).count >= 2,
                      !effectFigures(in: text).isEmpty else { continue }
                if best == nil || covered > best!.score { best = (passage.number, text, covered) }
            }
        }
        return best.map { EvidenceQuote(n: $0.n, text: cut($0.text)) }
    }

    /// The signature an API entry's passage opens with (`get_close_matches(word, possibilities, n=3, cutoff=0.6)`,
    /// continuation backslashes and line breaks joined), when it gives defaults and names a parameter or a default
    /// that `answer` does not: nil for a passage that opens with prose, a signature without defaults, or one the
    /// answer already spells out.
    static func signature(of passage: String, adding answer: String) -> String? {
        let head = passage.prefix(400)
        guard let open = head.firstIndex(of: "("), head[..<open].count >= 2,
              head[..<open].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        var depth = 0
        var close: String.Index?
        for index in head[open...].indices {
            if head[index] == "(" { depth += 1 } else if head[index] == ")" { depth -= 1 }
            if depth == 0 { close = index; break }
        }
        guard let close else { return nil }
        let text = head[...close].replacingOccurrences(of: "\\", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let said = Set(KeyTerms.tokens(answer.lowercased()))
        let named = KeyTerms.tokens(String(text[text.index(after: text.firstIndex(of: "(")!)...]).lowercased())
            .filter { $0.contains(where: { $0.isLetter || $0.isNumber }) }
        // A signature without a default ("mapPriority(levelname)") only repeats the name.
        return text.contains("=") && named.contains { !said.contains($0) } ? text : nil
    }

    /// A sentence that could be quoted, and how well. In clinical answers a sentence with effect figures the
    /// answer lacks ranks above one with effect figures it repeats, and that above one with none (an aim, a
    /// design, a conclusion in words): the quotes are there for the figures. Then words and numbers shared with
    /// the claim and question.
    struct Candidate: Comparable {
        var text: String
        var figures: Int
        var score: Double

        static func < (a: Candidate, b: Candidate) -> Bool { (a.figures, a.score) < (b.figures, b.score) }
    }

    /// The passage sentence that says most about the claim and the question, among those that add to it.
    static func best(in passage: String, claim: Entailment.Unit, question: Entailment.Unit, domain: Domain) -> Candidate? {
        var best: Candidate?
        for candidate in SentenceSplitter.split(passage).map(\.text) {
            guard candidate.split(whereSeparator: \.isWhitespace).count >= 4, !candidate.hasSuffix(":"),
                  !isCode(candidate), Verifier.hasProse(candidate),
                  InstructionDetector.rule(for: candidate) == nil else { continue }
            let unit = Entailment.Unit(candidate)
            // The answer already says all of it: quoting it would repeat the sentence.
            if unit.stems.isSubset(of: claim.stems) && unit.numbers.allSatisfy(claim.containsNumber) { continue }
            let sharedClaim = unit.stems.intersection(claim.stems).count
            let sharedQuestion = unit.stems.intersection(question.stems).count
            let sharedNumbers = claim.numbers.filter(unit.containsNumber).count
            // It must be about the claim: a sentence that only echoes the question backs nothing.
            guard sharedClaim + sharedNumbers >= 2 else { continue }
            var score = Double(sharedClaim + sharedQuestion) + 0.5 * Double(sharedNumbers)
            var figures = 0
            if domain == .clinical {
                score += 0.5 * Double(min(unit.numbers.count, 4))
                let effects = effectFigures(in: candidate)
                figures = effects.contains { !claim.containsNumber($0) } ? 2 : effects.isEmpty ? 0 : 1
            }
            let scored = Candidate(text: candidate, figures: figures, score: score)
            if best == nil || best! < scored { best = scored }
        }
        return best
    }

    /// The figures of a finding: percentages and decimals (rates, ratios, mean differences, their CIs), not
    /// counts, ages, sizes or doses written as whole numbers, and not P values.
    static func effectFigures(in text: String) -> [String] {
        let text = text.replacingOccurrences(of: #"(?<=\d)·(?=\d)"#, with: ".", options: .regularExpression)
            .replacingOccurrences(of: #"(?i)\bp\s*[=<>≤≥]\s*0?\.\d+"#, with: " ", options: .regularExpression)
        let range = NSRange(text.startIndex..., in: text)
        return figurePattern.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    /// A decimal, or a whole number followed by "%".
    static let figurePattern = try! NSRegularExpression(pattern: #"(?<![\d.])(\d+\.\d+|\d+(?=\s?%))"#)

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
