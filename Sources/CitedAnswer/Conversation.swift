import Foundation

/// The turns of a chat, condensed into the retrieval query of a follow-up question.
public struct Conversation: Sendable {
    public private(set) var turns: [(question: String, answer: String)] = []

    public init() {}

    public mutating func append(question: String, answer: String) {
        turns.append((question, answer))
        if turns.count > 8 { turns.removeFirst() }
    }

    /// Words that mark a question as leaning on the previous turn.
    static let followUpCues: Set<String> = ["it", "its", "they", "them", "their", "this", "that", "these", "those",
                                            "he", "she", "and", "also", "what", "about", "same", "there", "such"]

    /// The question alone when it stands on its own; otherwise the question plus the key words of the
    /// last turn (its question's content words and identifiers), so retrieval finds the same topic.
    public func retrievalQuery(for question: String) -> String {
        guard let last = turns.last else { return question }
        let words = question.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        let contentWords = words.filter { $0.count >= 4 && !ContentWords.stopwords.contains($0) && !Self.followUpCues.contains($0) }
        let leansOnHistory = words.count <= 6 || words.contains { Self.followUpCues.contains($0) } && contentWords.count <= 3
        guard leansOnHistory else { return question }
        let previous = last.question.split(whereSeparator: { $0.isWhitespace })
            .map { $0.trimmingCharacters(in: .punctuationCharacters) }
            .filter { word in
                word.count >= 4 && !ContentWords.stopwords.contains(word.lowercased())
                    && !Self.followUpCues.contains(word.lowercased()) && !question.lowercased().contains(word.lowercased())
            }
        return previous.isEmpty ? question : question + " (" + previous.joined(separator: " ") + ")"
    }
}
