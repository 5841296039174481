import CitedModel
import Foundation

/// Tells ordinary words from names. A word is ordinary when the embedder's WordPiece vocabulary holds it
/// whole (BERT's vocabulary is the common English of books and Wikipedia: "reduced", "placebo", "sorted"),
/// when the system's English word list has it (`WordList`: "misspelled", "insufflation"), or when the index
/// uses it in many passages (the corpus's own vocabulary: "sympy", "randomized").
/// Anything else — a drug, a gene, a function, a rare disease — is a name: an answer may not introduce
/// one its sources lack, and a question's names must appear in the passages that answer it.
public final class TermVocabulary {
    private let wholeWords: Set<String>
    /// The share of the index's passages that mention a word (nil: unknown).
    private let passageShare: ((String) -> Double?)?
    private let rareShare: Double
    private var known: [String: Bool] = [:]

    public init(wholeWords: Set<String>, rareShare: Double = AnswerPolicy().rareTermShare,
                passageShare: ((String) -> Double?)? = nil) {
        self.wholeWords = wholeWords
        self.rareShare = rareShare
        self.passageShare = passageShare
    }

    /// The whole words of a WordPiece vocabulary (entries of two or more letters that are not word pieces)
    /// and of `wordList`.
    public convenience init(embedder: BertEmbedder, wordList: Set<String> = WordList.system,
                            rareShare: Double = AnswerPolicy().rareTermShare, passageShare: ((String) -> Double?)? = nil) {
        let words = embedder.tokenizer.tokens.filter { $0.count >= 2 && $0.allSatisfy(\.isLetter) }
        self.init(wholeWords: wordList.union(words), rareShare: rareShare, passageShare: passageShare)
    }

    /// The word and what it may be built from: its singular or plural, without a common ending ("-ing",
    /// "-ed", "-ly", "-er") or prefix ("re-", "un-", "non-"): "reassigning" is "assign" at work.
    static func forms(of word: String) -> [String] {
        var forms = AbsentTerms.inflections(of: word)
        for suffix in ["ing", "ed", "ly", "er", "ers", "es", "s", "ment", "ness", "ation", "ations"]
            where word.hasSuffix(suffix) && word.count > suffix.count + 3 {
            let stem = String(word.dropLast(suffix.count))
            forms += [stem, stem + "e"]
        }
        for prefix in ["re", "un", "non", "pre", "over", "under", "sub", "multi", "co"]
            where forms.contains(where: { $0.hasPrefix(prefix) && $0.count > prefix.count + 3 }) {
            forms += forms.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        return forms
    }

    /// Whether `word` (lowercased) is ordinary vocabulary.
    public func isCommon(_ word: String) -> Bool {
        if let answer = known[word] { return answer }
        let common = Self.forms(of: word).contains(where: wholeWords.contains)
            || (passageShare?(word)).map { $0 >= rareShare } == true
        known[word] = common
        return common
    }
}

/// The terms of a question that the passages meant to answer it must contain.
enum QuestionTerms {
    /// The question's names: identifiers and code names, and with a vocabulary its uncommon words (a drug,
    /// gene, function, rare disease).
    static func names(in question: String, vocabulary: TermVocabulary?) -> [String] {
        var names = KeyTerms.extract(question).identifiers.filter { name in
            !(vocabulary?.isCommon(name) ?? false)
        }
        if let vocabulary {
            names += AbsentTerms.words(of: question).filter { word in
                word.allSatisfy(\.isLetter) && !vocabulary.isCommon(word) && !names.contains(word)
            }
        }
        return names
    }

    /// The question's names that no passage's text, title, path or section contains, in a singular or
    /// plural form.
    static func uncovered(in question: String, passages: [EvidencePassage], vocabulary: TermVocabulary?) -> [String] {
        let searchable = passages.map { SearchableText($0.text, context: $0.context) }
        let stems = searchable.reduce(into: Set<String>()) { $0.formUnion($1.stems); $0.formUnion(ContentWords.stems(of: $1.context)) }
        return names(in: question, vocabulary: vocabulary).filter { name in
            let forms = AbsentTerms.inflections(of: name)
            let covered = searchable.contains { text in forms.contains { text.contains(identifier: $0) } }
                || !name.contains(".") && !name.contains(" ") && name.count >= 5 && stems.contains(ContentWords.stem(name))
            return !covered
        }
    }

    /// The question's names when the answer mentions none of them (nil when it mentions one, or the question
    /// names nothing): an answer about `N()` to a question about `nsimplify`, or about another drug than the
    /// one asked about, answers another question, however well its sources back it. A dotted name counts as
    /// mentioned by its last part (`insort` for `bisect.insort`), a word by any inflection or its first five
    /// letters' stem.
    static func unnamed(in question: String, answer: [AnswerSentence], vocabulary: TermVocabulary?) -> [String]? {
        let asked = names(in: question, vocabulary: vocabulary)
        guard !asked.isEmpty else { return nil }
        let text = answer.map(\.text).joined(separator: " ")
        let written = SearchableText(text, context: "")
        let stems = Set(ContentWords.stems(of: text))
        let mentioned = asked.contains { name in
            var forms = AbsentTerms.inflections(of: name)
            if name.contains("."), let last = name.split(separator: ".").last, last.count >= 3 { forms.append(String(last)) }
            return forms.contains { written.contains(identifier: $0) }
                || !name.contains(".") && !name.contains(" ") && name.count >= 5 && stems.contains(ContentWords.stem(name))
        }
        return mentioned ? nil : asked
    }
}
