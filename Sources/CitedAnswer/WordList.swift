import CitedCore
import Foundation

/// The system's English word lists (Debian's `wamerican-large` and `wbritish-large`): ordinary words such as
/// "misspelled", "benchmarking" or "insufflation" that BERT's vocabulary holds only in pieces. A drug, gene or
/// function named in a question is not in them ("misoprostol", "vibegron", "memoize_async").
public enum WordList {
    /// Where the lists are looked for: `$CITED_WORDLISTS` (paths separated by ":"), else Debian's large lists.
    public static func paths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let configured = environment["CITED_WORDLISTS"] {
            return configured.split(separator: ":").map(String.init)
        }
        return ["/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large"]
    }

    /// A list is read whole; anything larger than this is not a word list.
    static let maxBytes = 16 << 20

    /// The lowercased words of `paths` that are letters only and at least two long (possessives and
    /// hyphenated entries are left out). A missing or unreadable list adds nothing.
    public static func load(_ paths: [String] = paths()) -> Set<String> {
        var words = Set<String>()
        for path in paths {
            guard let bytes = try? RegularFile.contents(path, maxBytes: maxBytes) else { continue }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                guard line.count >= 2 else { continue }
                let word = String(decoding: line, as: UTF8.self).lowercased()
                if word.allSatisfy(\.isLetter) { words.insert(word) }
            }
        }
        return words
    }

    /// The system lists, read once per process.
    public static let system: Set<String> = load()
}
