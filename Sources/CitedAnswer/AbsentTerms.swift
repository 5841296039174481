import Foundation

/// The question's words that the index never mentions. A question about "tirzepatide" cannot be
/// answered from sources that never name it, however close their embeddings come, so such a term,
/// together with middling evidence, is a reason to abstain (and to say which word was missing).
public struct AbsentTerms {
    /// Whether the index holds the term anywhere (title, heading or text).
    public var isIndexed: (String) throws -> Bool

    public init(isIndexed: @escaping (String) throws -> Bool) {
        self.isIndexed = isIndexed
    }

    /// Words of four or more characters, not stop words or plain numbers, that the index lacks. A
    /// compound (`least-recently-used`, `__repr__`) counts as present when each of its parts is, and a
    /// word offered as an alternative ("a Vigenere or Caesar cipher") when the other one is.
    public func find(in question: String) throws -> [String] {
        var absent: [String] = []
        for word in Self.words(of: question) where !absent.contains(word) {
            if try isPresent(word) { continue }
            if try Self.alternatives(of: word, in: question).contains(where: isPresent) { continue }
            absent.append(word)
        }
        return absent
    }

    private func isPresent(_ word: String) throws -> Bool {
        if try Self.inflections(of: word).contains(where: isIndexed) { return true }
        let parts = word.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        return try parts.count > 1 && parts.allSatisfy { try isIndexed($0) }
    }

    /// The words joined to `word` by "or" in `question` ("X or word", "word or X").
    static func alternatives(of word: String, in question: String) -> [String] {
        let all = question.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            .map(String.init)
        var found: [String] = []
        for index in all.indices where all[index] == word {
            if index >= 2, all[index - 1] == "or" { found.append(all[index - 2]) }
            if index + 2 < all.count, all[index + 1] == "or" { found.append(all[index + 2]) }
        }
        return found.filter { $0.count >= 4 }
    }

    /// The word, and its singular or plural: "wavefunctions" is answered by a page on "the wavefunction".
    static func inflections(of word: String) -> [String] {
        var forms = [word]
        if word.hasSuffix("ies") { forms.append(String(word.dropLast(3)) + "y") }
        if word.hasSuffix("es") { forms.append(String(word.dropLast(2))) }
        if word.hasSuffix("s") && !word.hasSuffix("ss") { forms.append(String(word.dropLast())) }
        if !word.hasSuffix("s") { forms.append(word + "s") }
        return forms
    }

    /// Lowercased words as the index's tokenizer cuts them (letters, digits, `-` and `_`), trimmed of
    /// leading and trailing `-`/`_`.
    static func words(of text: String) -> [String] {
        text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "-_")) }
            .filter { $0.count >= 4 && !ContentWords.stopwords.contains($0) && !$0.allSatisfy(\.isNumber) }
    }
}
