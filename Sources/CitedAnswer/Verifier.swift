import Foundation

/// A passage given to the model, as the verifier sees it.
public struct EvidencePassage: Sendable {
    /// Its number in the prompt (1-based).
    public var number: Int
    public var text: String
    /// Its unit-length vector, when an embedder is available.
    public var vector: [Float]?
    /// Its page's title, path and section, where a module or a dotted name's qualifier may be the only mention.
    public var context: String

    public init(number: Int, text: String, vector: [Float]? = nil, context: String = "") {
        self.number = number
        self.text = text
        self.vector = vector
        self.context = context
    }
}

/// Thresholds of the verifier (calibrated on the dev set; see Benchmarks/RESULTS.md).
public struct VerificationPolicy: Sendable {
    /// Cosine between sentence and passage above which a sentence is supported.
    public var supportedSimilarity: Float = 0.60
    public var weakSimilarity: Float = 0.40
    /// Share of the sentence's content words found in the passage above which it is supported.
    public var supportedOverlap: Double = 0.60
    public var weakOverlap: Double = 0.35

    public init() {}
}

/// Checks each sentence against the passages it cites: its numbers and identifiers must appear in
/// them, and it must be close to them in meaning (embedder cosine) or in wording (content overlap).
/// A sentence without a usable citation is attributed to the passage that supports it best, if any.
public struct Verifier {
    public var policy: VerificationPolicy
    /// Embeds one sentence (unit length); nil to judge by wording alone.
    public var embed: ((String) throws -> [Float])?

    public init(policy: VerificationPolicy = VerificationPolicy(), embed: ((String) throws -> [Float])? = nil) {
        self.policy = policy
        self.embed = embed
    }

    /// The sentences with verdicts, and citations re-attributed where the model left them out or
    /// pointed at a passage that does not back the sentence.
    public func verify(_ sentences: [AnswerSentence], passages: [EvidencePassage]) -> [AnswerSentence] {
        let searchable = passages.map { SearchableText($0.text, context: $0.context) }
        return sentences.map { sentence in
            var result = sentence
            let terms = KeyTerms.extract(sentence.text)
            let stems = Set(ContentWords.stems(of: sentence.text))
            let vector = try? embed?(sentence.text)
            func judge(_ indices: [Int]) -> Support {
                // No citation, or nothing to check (no content word: a stray "[" or "See:"), supports nothing.
                guard !indices.isEmpty, !stems.isEmpty || !terms.numbers.isEmpty || !terms.identifiers.isEmpty else {
                    return .unsupported
                }
                let missing = terms.numbers.filter { number in !indices.contains { searchable[$0].contains(number: number) } }
                    + terms.identifiers.filter { name in !indices.contains { searchable[$0].contains(identifier: name) } }
                guard missing.isEmpty else { return .unsupported }
                let overlap = stems.isEmpty ? 0 : indices.map { index in
                    Double(stems.intersection(searchable[index].stems).count) / Double(stems.count)
                }.max()!
                let similarity = indices.compactMap { index -> Float? in
                    guard let vector, let other = passages[index].vector else { return nil }
                    return dot(vector, other)
                }.max()
                if overlap >= policy.supportedOverlap || (similarity ?? 0) >= policy.supportedSimilarity { return .supported }
                if overlap >= policy.weakOverlap || (similarity ?? 0) >= policy.weakSimilarity { return .weak }
                return .unsupported
            }
            let cited = sentence.citations.compactMap { number in passages.firstIndex { $0.number == number } }
            result.citations = cited.map { passages[$0].number }
            result.support = judge(cited)
            if result.support != .supported {
                // Attribute to the single passage that supports the sentence best, if it does better. Among
                // equals, a passage whose page or section is named after one of the sentence's code names (the
                // `csv` page for "use the `csv` module") is that name's own documentation; then rank decides.
                let named = KeyTerms.codeNames(sentence.text).flatMap { $0.split(separator: ".").map(String.init) }
                    .filter { $0.count >= 3 }
                let best = passages.indices.map { index in
                    (index, judge([index]), named.contains { searchable[index].context.contains($0) })
                }.max { ($0.1, $0.2 ? 1 : 0) < ($1.1, $1.2 ? 1 : 0) }
                if let (index, support, _) = best, support > result.support {
                    result.citations = [passages[index].number]
                    result.support = support
                }
            }
            return result
        }
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return 0 }
        var sum: Float = 0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
