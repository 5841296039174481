import Foundation

/// The clauses of a compound sentence: "A does X, and B does Y", "…; …", "…, but …". A model joins two
/// statements this way, one from the cited passage and one from elsewhere ("`sort_stats` sorts by one field
/// and then another, and can rely on equal keys keeping their order", where only the first half is the
/// profiler's), and the sentence's overlap and cosine still pass on the first half alone.
struct Clauses {
    /// The joins between clauses: a comma and a conjunction, or a semicolon. A plain "and" joins words as
    /// often as statements, so it is not a join.
    static let joins = try! NSRegularExpression(pattern: #",\s+(?:and|but|whereas|while|so)\s+|;\s+"#,
                                                options: [.caseInsensitive])

    /// The clauses that state something of their own (three content stems or more), with their stems.
    let clauses: [(text: String, stems: Set<String>)]

    init(_ sentence: String) {
        var pieces: [String] = [], start = sentence.startIndex
        for match in Self.joins.matches(in: sentence, range: NSRange(sentence.startIndex..., in: sentence)) {
            guard let range = Range(match.range, in: sentence) else { continue }
            pieces.append(String(sentence[start..<range.lowerBound]))
            start = range.upperBound
        }
        pieces.append(String(sentence[start...]))
        clauses = pieces.map { ($0, Set(ContentWords.stems(of: $0))) }.filter { $0.stems.count >= 3 }
    }

    /// The clause with the smallest share of its content stems among `stems`, with that share, when the
    /// sentence has two clauses or more; nil otherwise.
    func weakest(against stems: Set<String>) -> (clause: String, overlap: Double)? {
        guard clauses.count >= 2 else { return nil }
        return clauses.map { ($0.text, Double($0.stems.intersection(stems).count) / Double($0.stems.count)) }
            .min { $0.1 < $1.1 }
    }
}
