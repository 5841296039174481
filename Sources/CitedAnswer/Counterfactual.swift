import Foundation

/// The counterfactual test: does the model, reading the source, prefer the sentence's own word at each place
/// where a wrong sentence would differ — its number over the source's other numbers, its comparison word over
/// the opposite one, its name over the source's other names? A sentence whose words and numbers all occur in
/// the passage but are bound wrongly ("6.1% with gas and 3.8% with water" when the source says the reverse,
/// "worse" for "better") passes every overlap rule; a model that has just read the source predicts the right
/// word at that place far more often than the swapped one. This is a comparison of two minimal variants,
/// which small models make much better than a yes/no judgment of the whole sentence.
public enum Counterfactual {
    /// What a slot tests.
    public enum Kind: String, Codable, Sendable {
        /// A number against the source's other numbers.
        case number
        /// A comparison or direction word against its opposite.
        case direction
        /// A name against the source's other names.
        case name
        /// A word on one side of a comparison ("than", "versus") against the other side's.
        case side
    }

    /// A place in a sentence and the words that could stand there instead.
    public struct Slot: Equatable, Sendable {
        /// The word's offset in the sentence, in UTF-8 bytes.
        public var offset: Int
        public var word: String
        public var alternatives: [String]
        public var kind: Kind

        public init(offset: Int, word: String, alternatives: [String], kind: Kind) {
            self.offset = offset
            self.word = word
            self.alternatives = alternatives
            self.kind = kind
        }
    }

    /// The strongest preference found for an alternative over the sentence's own word.
    public struct Finding: Equatable, Sendable {
        public var word: String
        public var alternative: String
        public var kind: Kind
        /// logit(alternative) − logit(word) at the first token where they differ: above 0 the model prefers
        /// the alternative. A local model then reads both on, a few tokens past the words that differ, and gives
        /// the difference of their log-probabilities there instead.
        public var margin: Float
    }

    /// At most this many alternatives per slot (numbers and names of a long passage are many).
    static let maxAlternatives = 16

    /// The checkable places of `sentence` against `source`: numbers (alternatives: the source's other
    /// numbers), comparison and direction words (their opposites), and names the source contains
    /// (alternatives: the source's other names). With `sides`, also the sides of a comparison (`sideSlots`).
    public static func slots(in sentence: String, source: String, sides: Bool = false) -> [Slot] {
        let sourceWords = words(of: source).map(\.word)
        let sourceNumbers = unique(sourceWords.filter { KeyTerms.normalizedNumber($0) != nil })
        let sourceNames = unique(sourceWords.enumerated().filter { index, word in isName(word, first: index == 0) }.map(\.1))
        let sentenceWords = words(of: sentence)
        var slots: [Slot] = []
        for (index, (word, offset)) in sentenceWords.enumerated() {
            if let number = KeyTerms.normalizedNumber(word) {
                let others = sourceNumbers.filter { KeyTerms.normalizedNumber($0) != number }
                if !others.isEmpty {
                    slots.append(Slot(offset: offset, word: word, alternatives: Array(others.prefix(maxAlternatives)), kind: .number))
                }
            } else if let opposites = opposites[word.lowercased()] {
                let cased = opposites.map { word.first!.isUppercase ? $0.prefix(1).uppercased() + $0.dropFirst() : $0 }
                slots.append(Slot(offset: offset, word: word, alternatives: cased, kind: .direction))
            } else if index > 0, isName(word, first: false), sourceWords.contains(word) {
                let lower = word.lowercased()
                // A name stands against names of its own kind: "PCI" against "ACS", not against "3-month"; and
                // "COVID-19" against "NO2", not against a quantity that opens with its digits ("6-month").
                let others = sourceNames.filter { !$0.lowercased().contains(lower) && !lower.contains($0.lowercased())
                    && nameKind($0) == nameKind(word) }
                if !others.isEmpty {
                    slots.append(Slot(offset: offset, word: word, alternatives: Array(others.prefix(maxAlternatives)), kind: .name))
                }
            }
        }
        if sides { slots += sideSlots(sentenceWords, source: sourceWords) }
        return slots
    }

    /// What kind of name a word is, for the alternatives it stands against.
    enum NameKind {
        /// Without digits: "PCI".
        case letters
        /// Digits after a letter: "COVID-19", "PM2.5".
        case coded
        /// A quantity that opens with its digits: "6-month".
        case quantity
    }

    static func nameKind(_ word: String) -> NameKind {
        guard word.contains(where: \.isNumber) else { return .letters }
        return word.first?.isNumber == true ? .quantity : .coded
    }

    /// Side slots: in "A … than B" (or "compared with", "versus", "relative to", "instead of") each word of A
    /// that the source has, against B's first such word — a sentence that swaps the sides of the source's
    /// comparison ("the non-responders had lower …than the responders") reads, at A, the word the source
    /// puts there.
    static func sideSlots(_ sentenceWords: [(word: String, offset: Int)], source: [String]) -> [Slot] {
        let inSource = Set(source.map { $0.lowercased() })
        let lowered = sentenceWords.map { $0.word.lowercased() }
        func isSideTerm(_ word: String) -> Bool {
            word.count >= 3 && word.contains(where: \.isLetter) && KeyTerms.normalizedNumber(word) == nil
                && !sidePlain.contains(word) && !ContentWords.stopwords.contains(word) && opposites[word] == nil
                && inSource.contains(word)
        }
        for index in lowered.indices where index > 0 {
            guard let anchor = sideAnchors.first(where: { index + $0.count <= lowered.count
                && Array(lowered[index..<(index + $0.count)]) == $0 }) else { continue }
            let after = index + anchor.count
            guard let other = (after..<min(after + 5, lowered.count)).first(where: { isSideTerm(lowered[$0]) }) else { return [] }
            let otherWord = sentenceWords[other].word
            var slots: [Slot] = []
            for position in 0..<index where isSideTerm(lowered[position]) && lowered[position] != lowered[other] {
                let alternative = position == 0 ? otherWord.prefix(1).uppercased() + otherWord.dropFirst() : otherWord
                slots.append(Slot(offset: sentenceWords[position].offset, word: sentenceWords[position].word,
                                  alternatives: [alternative], kind: .side))
            }
            return Array(slots.prefix(maxSideSlots))
        }
        return []
    }

    /// Words that open the compared-with side: the verifier's comparison anchors without the temporal ones
    /// ("followed by", "before", "after"), which order a sequence rather than set two sides against each other.
    static let sideAnchors = Entailment.Comparison.anchors.filter { !["followed", "before", "after"].contains($0[0]) }
    /// Words too plain to stand for a side: the verifier's plain comparison words, auxiliaries, "significantly".
    static let sidePlain = Entailment.Comparison.plain.union([
        "do", "does", "did", "can", "could", "should", "may", "might", "will", "would", "has", "have", "had", "must",
        "significantly",
    ])
    /// At most this many side slots per sentence.
    static let maxSideSlots = 8

    /// Words with their UTF-8 offsets: split on spaces and on punctuation that is not part of a number or a
    /// name, trailing full stops and dashes trimmed.
    static func words(of text: String) -> [(word: String, offset: Int)] {
        var result: [(String, Int)] = []
        let bytes = Array(text.utf8)
        var start: Int?
        func flush(_ end: Int) {
            guard let from = start else { return }
            start = nil
            var lower = from, upper = end
            while lower < upper, Self.trimmed.contains(bytes[lower]) { lower += 1 }
            while upper > lower, Self.trimmed.contains(bytes[upper - 1]) { upper -= 1 }
            guard lower < upper, let word = String(bytes: bytes[lower..<upper], encoding: .utf8) else { return }
            result.append((word, lower))
        }
        for (index, byte) in bytes.enumerated() {
            if Self.separators.contains(byte) { flush(index) } else if start == nil { start = index }
        }
        flush(bytes.count)
        return result
    }

    static let separators = Set(" \t\n\r\"',;:!?()[]{}<>=+*/|`$\\".utf8)
    static let trimmed = Set(".-".utf8)

    /// A gene symbol, acronym, code name, or a capitalised word that does not open the text.
    static func isName(_ word: String, first: Bool) -> Bool {
        guard word.count >= 2, word.contains(where: \.isLetter) else { return false }
        if KeyTerms.isIdentifier(word) { return true }
        return !first && word.first!.isUppercase && word.dropFirst().allSatisfy { $0.isLowercase || $0 == "-" }
            && !KeyTerms.shoutedWords.contains(word.uppercased())
    }

    static func unique(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }

    /// Comparison and direction words and their opposites.
    static let opposites: [String: [String]] = {
        let pairs = [
            ("higher", "lower"), ("increased", "decreased"), ("increase", "decrease"), ("increases", "decreases"),
            ("increasing", "decreasing"), ("more", "less"), ("better", "worse"), ("longer", "shorter"),
            ("greater", "smaller"), ("larger", "smaller"), ("improved", "worsened"), ("reduced", "increased"),
            ("reduces", "increases"), ("reduce", "increase"), ("lowered", "raised"), ("positive", "negative"),
            ("positively", "negatively"), ("superior", "inferior"), ("faster", "slower"), ("fewer", "more"),
            ("before", "after"), ("above", "below"), ("maximum", "minimum"), ("largest", "smallest"),
            ("highest", "lowest"), ("earlier", "later"), ("shortened", "prolonged"),
        ]
        var table: [String: [String]] = [:]
        for (a, b) in pairs {
            if !(table[a] ?? []).contains(b) { table[a, default: []].append(b) }
            if !(table[b] ?? []).contains(a) { table[b, default: []].append(a) }
        }
        return table
    }()
}

/// A model that can run the counterfactual test.
public protocol CounterfactualScorer: AnyObject {
    /// The strongest preference of the model, having read `source`, for an alternative at one of `slots` of
    /// `claim` (nil when no slot could be scored).
    func counterfactual(claim: String, source: String, slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding?
}
