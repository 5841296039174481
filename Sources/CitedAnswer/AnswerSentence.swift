/// How well a sentence of an answer is backed by the passages it cites.
public enum Support: String, Codable, Sendable, Comparable {
    case supported, weak, unsupported

    private var rank: Int {
        switch self {
        case .supported: 2
        case .weak: 1
        case .unsupported: 0
        }
    }

    public static func < (lhs: Support, rhs: Support) -> Bool { lhs.rank < rhs.rank }
}

/// One sentence of an answer, its citation numbers (1-based, as in the prompt) and its verdict.
public struct AnswerSentence: Codable, Equatable, Sendable {
    /// The sentence without its citation markers.
    public var text: String
    public var citations: [Int]
    public var support: Support

    public init(text: String, citations: [Int], support: Support = .unsupported) {
        self.text = text
        self.citations = citations
        self.support = support
    }
}
