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
    /// compound (`least-recently-used`, `__repr__`) counts as present when each of its parts is.
    public func find(in question: String) throws -> [String] {
        var absent: [String] = []
        for word in Self.words(of: question) where !absent.contains(word) {
            if try isIndexed(word) { continue }
            let parts = word.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
            if parts.count > 1, try parts.allSatisfy({ try isIndexed($0) }) { continue }
            absent.append(word)
        }
        return absent
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
