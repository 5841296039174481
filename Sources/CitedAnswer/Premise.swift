import Foundation

/// What a question states before it asks ("My logging.info() messages print nothing. What is the default
/// threshold?"): an answer sentence that only repeats it answers nothing, however well a passage backs it.
enum Premise {
    /// The question's sentences that ask nothing (no "?").
    static func statements(of question: String) -> [String] {
        SentenceSplitter.split(question).map(\.text).filter { !$0.trimmingCharacters(in: .whitespaces).hasSuffix("?") }
    }

    /// Whether every content stem and number of `sentence` is in the question's statements (false when the
    /// question states nothing, or the sentence has no content stem): a yes to "Does X reduce Y?" repeats
    /// the question's words too, but not a statement of it, so it still answers.
    static func echoes(_ sentence: String, question: String) -> Bool {
        let stated = statements(of: question).joined(separator: " ")
        guard !stated.isEmpty else { return false }
        let stems = Set(ContentWords.stems(of: sentence))
        let numbers = Set(KeyTerms.tokens(sentence).compactMap(KeyTerms.normalizedNumber))
        let statedNumbers = Set(KeyTerms.tokens(stated).compactMap(KeyTerms.normalizedNumber))
        return !stems.isEmpty && stems.isSubset(of: Set(ContentWords.stems(of: stated))) && numbers.isSubset(of: statedNumbers)
    }
}
