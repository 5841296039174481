import CitedCore
import Foundation

/// One line of a question file (see CLI.md).
public struct EvalQuestion: Codable, Sendable {
    public var id: String
    public var domain: Domain?
    public var question: String
    /// PMIDs or relative paths, optionally with `#Section`.
    public var gold: [String]
    public var facts: [String]?
    public var answerable: Bool?

    /// Reads JSON lines; blank lines are skipped, a bad line throws with its number.
    public static func load(_ url: URL) throws -> [EvalQuestion] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [EvalQuestion] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                out.append(try JSONDecoder().decode(EvalQuestion.self, from: Data(trimmed.utf8)))
            } catch {
                throw RetrieveError.badQuestion(file: url.path, line: n + 1, reason: "\(error)")
            }
        }
        return out
    }

    /// Which gold entries `source` matches: its pmid equals the entry, or its path ends with the entry's path
    /// (and, when the entry has `#Section`, its locator or id mentions that section).
    public static func matches(_ source: Source, gold entry: String) -> Bool {
        let parts = entry.split(separator: "#", maxSplits: 1).map(String.init)
        let base = parts.first ?? entry
        let bare = base.hasPrefix("PMID:") ? String(base.dropFirst(5)) : base
        if let pmid = source.pmid, pmid == bare { return true }
        guard let path = source.path, !bare.isEmpty,
              path == bare || path.hasSuffix("/" + bare) else { return false }
        guard parts.count == 2 else { return true }
        let section = parts[1].lowercased()
        return source.locator.lowercased().contains(section) || source.id.lowercased().contains(section)
    }
}
