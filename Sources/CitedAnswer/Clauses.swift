import Foundation

/// The clauses of a compound sentence: "A does X, and B does Y", "…; …", "…, but …". A model joins two
/// statements this way, one from the cited passage and one from elsewhere ("`sort_stats` sorts by one field
/// and then another, and can rely on equal keys keeping their order", where only the first half is the
/// profiler's), and the sentence's overlap and cosine still pass on the first half alone.
enum Clauses {
    /// The joins between clauses: a comma and a conjunction, or a semicolon. A plain "and" joins words as
    /// often as statements, so it is not a join.
    static let joins = #",\s+(?:and|but|whereas|while|so)\s+|;\s+"#

    /// The clauses of `sentence` that state something of their own (three content stems or more).
    static func split(_ sentence: String) -> [String] {
        guard let pattern = try? NSRegularExpression(pattern: joins, options: [.caseInsensitive]) else { return [sentence] }
        let whole = NSRange(sentence.startIndex..., in: sentence)
        var clauses: [String] = [], start = sentence.startIndex
        for match in pattern.matches(in: sentence, range: whole) {
            guard let range = Range(match.range, in: sentence) else { continue }
            clauses.append(String(sentence[start..<range.lowerBound]))
            start = range.upperBound
        }
        clauses.append(String(sentence[start...]))
        return clauses.filter { ContentWords.stems(of: $0).count >= 3 }
    }

    /// The clause with the smallest share of its content stems among `stems`, with that share, when the
    /// sentence has two clauses or more; nil otherwise.
    static func weakest(in sentence: String, against stems: Set<String>) -> (clause: String, overlap: Double)? {
        let clauses = split(sentence)
        guard clauses.count >= 2 else { return nil }
        return clauses.map { clause -> (String, Double) in
            let own = Set(ContentWords.stems(of: clause))
            return (clause, Double(own.intersection(stems).count) / Double(own.count))
        }.min { $0.1 < $1.1 }
    }
}
