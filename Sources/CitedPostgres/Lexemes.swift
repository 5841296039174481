import CitedStore
import Foundation

/// The keyword side of the PostgreSQL store: passages become `tsvector` values and keyword queries `tsquery`
/// values, both built here from the same tokens SQLite's FTS5 keeps (`Schema.tokenizer`: unicode61, diacritics
/// removed, `-` and `_` inside tokens).
///
/// Why not `to_tsvector('english', …)`: PostgreSQL's parser splits `IL-6` into `il` and `-6` and `lru_cache`
/// into `lru` and `cache`, and stems (`levels` → `level`), so biomedical identifiers and code names would not
/// be one searchable term, and BM25 would rank differently from the SQLite index. The lexemes are therefore
/// made in Swift, unstemmed, and PostgreSQL stores and indexes them (GIN) as given.
enum Lexemes {
    /// Longest token kept (bytes); PostgreSQL refuses lexemes over 2,047 bytes, and nobody searches such words.
    static let maximumTokenBytes = 512
    /// Highest position PostgreSQL stores (larger ones are clamped to it).
    static let maximumPosition = 16_383

    /// The tokens of `text` in order: maximal runs of letters, digits, `-` and `_`, lowercased, diacritics removed.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty, current.utf8.count <= maximumTokenBytes { tokens.append(current) }
            current = ""
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return tokens.map(fold)
    }

    /// Lowercased without diacritics (`Café` → `cafe`), as FTS5's `remove_diacritics 2`.
    static func fold(_ token: String) -> String {
        if token.utf8.allSatisfy({ $0 < 0x80 }) { return token.lowercased() }
        return token.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// A `tsvector` literal for one passage: text tokens weighted A, title tokens B, heading tokens C, each
    /// column in its own position range (phrases never span two columns); and the number of tokens (BM25's length).
    static func vector(text: String, title: String, heading: String) -> (literal: String, tokenCount: Int) {
        var positions: [String: [String]] = [:]
        var order: [String] = []
        var position = 0
        var count = 0
        for (column, weight) in [(text, "A"), (title, "B"), (heading, "C")] {
            for token in tokens(column) {
                position = min(position + 1, maximumPosition)
                count += 1
                if positions[token] == nil { order.append(token) }
                positions[token, default: []].append("\(position)\(weight)")
            }
            position = min(position + 1, maximumPosition)  // a gap between columns
        }
        var literal = ""
        for token in order {
            // PostgreSQL keeps at most 256 positions per lexeme.
            let list = positions[token]!.prefix(256)
            if !literal.isEmpty { literal += " " }
            literal += quote(token) + ":" + list.joined(separator: ",")
        }
        return (literal, count)
    }

    /// A token as a quoted lexeme in `tsvector` / `tsquery` syntax.
    static func quote(_ token: String) -> String {
        var out = "'"
        for character in token {
            if character == "'" { out += "''" } else if character == "\\" { out += "\\\\" } else { out.append(character) }
        }
        return out + "'"
    }

    /// One phrase of a keyword query: the `tsquery` finding it, and how to count it in a passage's lexemes
    /// (the exact token, or every token with this prefix).
    struct Phrase: Hashable {
        var token: String
        var isPrefix: Bool
        /// The clause that must match for the phrase to count (FTS5 reports no instances of a phrase whose `AND`
        /// failed); nil: the phrase alone.
        var clause: String? = nil
        var gate: String { clause ?? tsquery }
        var tsquery: String { Lexemes.quote(token) + (isPrefix ? ":*" : "") }
    }

    /// The query's phrases (in clause order, as FTS5's bm25 sums them) and the `tsquery` of the whole OR;
    /// nil when no clause holds a token.
    static func query(_ query: KeywordQuery) -> (phrases: [Phrase], tsquery: String)? {
        var phrases: [Phrase] = []
        var clauses: [String] = []
        for clause in query.clauses {
            switch clause {
            case .token(let token):
                let folded = fold(token)
                guard !folded.isEmpty else { continue }
                let phrase = Phrase(token: folded, isPrefix: false)
                phrases.append(phrase)
                clauses.append(phrase.tsquery)
            case .prefix(let prefix):
                let folded = fold(prefix)
                guard !folded.isEmpty else { continue }
                let phrase = Phrase(token: folded, isPrefix: true)
                phrases.append(phrase)
                clauses.append(phrase.tsquery)
            case .all(let tokens):
                var parts = tokens.map(fold).filter { !$0.isEmpty }.map { Phrase(token: $0, isPrefix: false) }
                guard !parts.isEmpty else { continue }
                let clause = "(" + parts.map(\.tsquery).joined(separator: " & ") + ")"
                for index in parts.indices { parts[index].clause = clause }
                phrases += parts
                clauses.append(clause)
            }
        }
        return clauses.isEmpty ? nil : (phrases, clauses.joined(separator: " | "))
    }

    /// A phrase `tsquery` (`'a' <-> 'b'`) for `term` as FTS5 reads a quoted phrase; nil when it holds no token.
    static func phrase(_ term: String) -> String? {
        let parts = tokens(term)
        return parts.isEmpty ? nil : parts.map(quote).joined(separator: " <-> ")
    }
}
