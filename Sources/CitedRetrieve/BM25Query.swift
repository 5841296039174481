import CitedStore

/// Turns any user text into a safe FTS5 MATCH expression for the index's tokenizer.
///
/// FTS5 syntax (quotes, `AND`/`OR`/`NOT`/`NEAR`, parentheses, `*`, `^`, `:` column filters) never passes
/// through: the text is split into the tokens the index keeps (letters, digits, `-`, `_`), each token is
/// double-quoted, and the clauses are joined with `OR`, so BM25 ranks passages by how many terms they hold.
public enum BM25Query {
    /// Most clauses one query may produce; longer texts keep their first terms.
    public static let maximumTerms = 48

    /// Common English words that carry no evidence; dropped unless the query holds nothing else.
    static let stopwords: Set<String> = [
        "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "did", "for",
        "from", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "near", "not", "of", "on",
        "or", "should", "so", "than", "that", "the", "their", "there", "these", "this", "those", "to", "use",
        "was", "we", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you",
        "your", "there", "any", "some", "been", "being", "has", "have", "had", "get", "i'm",
    ]

    /// The tokens the index's tokenizer would keep, lowercased, with `-`/`_` trimmed at the ends.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        func flush() {
            let trimmed = current.trimmingCharacters(in: ["-", "_"])
            if !trimmed.isEmpty { terms.append(trimmed) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return terms
    }

    /// The terms worth searching for: stopwords dropped (unless nothing else is left), duplicates removed.
    public static func keywords(_ text: String) -> [String] {
        let all = terms(text)
        var seen = Set<String>()
        let content = all.filter { !stopwords.contains($0) }
        return (content.isEmpty ? all : content).filter { seen.insert($0).inserted }
    }

    /// The MATCH expression, or nil when the text holds no searchable term.
    public static func expression(for text: String) -> String? {
        query(for: text)?.fts5Expression
    }

    /// The keyword query for any backend, or nil when the text holds no searchable term.
    public static func query(for text: String) -> KeywordQuery? {
        var clauses: [KeywordQuery.Clause] = []
        for term in keywords(text).prefix(maximumTerms) {
            // Tokens hold only letters, digits, `-` and `_`, so quoting cannot be broken out of.
            clauses.append(.token(term))
            let parts = term.split(whereSeparator: { $0 == "-" || $0 == "_" })
            if parts.count > 1 {
                // `il-6` also finds "IL 6"; `lru_cache` also finds "lru cache".
                clauses.append(.all(parts.map(String.init)))
            } else if term.count >= 4 {
                // `interleukin` also finds the compound token `interleukin-6`.
                clauses.append(.prefix(term + "-"))
                clauses.append(.prefix(term + "_"))
            }
        }
        return clauses.isEmpty ? nil : KeywordQuery(clauses: clauses)
    }
}
