/// Builds FTS5 MATCH expressions that suit the index's tokenizer (`Schema.tokenizer`).
public enum FTSQuery {
    /// Splits free text into terms the tokenizer would keep (letters, digits, `-`, `_`).
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        return terms.map { $0.trimmingCharacters(in: ["-", "_"]) }.filter { !$0.isEmpty }
    }

    /// An OR of quoted terms; a plain word also matches compounds that start with it
    /// (`interleukin` finds `interleukin-6`), and a compound also matches its parts.
    public static func expression(for text: String) -> String {
        var clauses: [String] = []
        for term in terms(text) {
            clauses.append("\"\(term)\"")
            if term.contains("-") || term.contains("_") {
                let parts = term.split(whereSeparator: { $0 == "-" || $0 == "_" })
                if parts.count > 1 { clauses.append("(" + parts.map { "\"\($0)\"" }.joined(separator: " AND ") + ")") }
            } else if term.count >= 3 {
                clauses.append("\"\(term)-\"*")
                clauses.append("\"\(term)_\"*")
            }
        }
        return clauses.joined(separator: " OR ")
    }
}
