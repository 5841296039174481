import Foundation

extension Entailment {
    /// A claim that gives one member of a passage's list as *the* value: "the default threshold is `CRITICAL`"
    /// from "maps DEBUG, INFO, WARNING, ERROR and CRITICAL to …". The passage names the value only as one of
    /// several alike, so nothing in it singles that one out. Numbers are left alone ("10%, 20% and 30% for A,
    /// B and C, respectively" binds each to its group), and so is a value the passages also name outside a list.
    enum Enumeration {
        /// Words that bind the value to the claim's subject when they come right before it.
        static let copulas: Set<String> = ["is", "was", "are", "were", "be", "equals", "defaults", "default"]
        /// Words that make the claim itself a choice among several: it no longer singles one out.
        static let hedges: Set<String> = ["one", "such", "include", "includes", "including", "among", "either",
                                          "or", "e", "eg", "like", "example", "instance"]
        static let articles: Set<String> = ["the", "a", "an", "to", "of", "set"]

        /// A list "A, B(,) and C" of one-word members (`[A-Za-z_]` first), compiled once.
        static let listPattern: NSRegularExpression? = {
            let item = #"[A-Za-z_][\w.-]*"#
            return try? NSRegularExpression(pattern: "(?<![\\w.-])\(item)(?:\\s*,\\s*\(item)){1,}\\s*,?\\s+(?:and|or)\\s+\(item)")
        }()

        /// The lists of at least three one-word members in `text`, lowercased.
        static func lists(_ text: String) -> [[String]] {
            let plain = text.replacingOccurrences(of: #"[`'"“”‘’*]"#, with: "", options: .regularExpression)
            guard let regex = listPattern else { return [] }
            let range = NSRange(plain.startIndex..., in: plain)
            return regex.matches(in: plain, range: range).compactMap { match in
                guard let found = Range(match.range, in: plain) else { return nil }
                let members = plain[found]
                    .replacingOccurrences(of: #"\s+(?:and|or)\s+"#, with: ",", options: .regularExpression)
                    .split(separator: ",")
                    .map { Unit.wordsOf(String($0)).map { $0.lowercased() } }
                // Every member one word: "the first, second and third arm" is prose, not a list of values.
                guard members.count >= 3, members.allSatisfy({ $0.count == 1 }) else { return nil }
                return members.map { $0[0] }
            }
        }

        /// The list member the claim gives as the value ("… is V") of a clause naming no other member, when
        /// the passages name it only inside lists; nil otherwise.
        static func singledOut(_ claim: Unit, passages: [Unit]) -> String? {
            let listed = passages.flatMap { lists($0.text) }
            guard !listed.isEmpty else { return nil }
            let members = Set(listed.joined())
            for clause in claim.text.split(whereSeparator: { ",;:".contains($0) }) {
                let words = Unit.wordsOf(String(clause)).map { $0.lowercased() }
                guard words.allSatisfy({ !hedges.contains($0) }) else { continue }
                let named = words.filter(members.contains)
                guard named.count == 1, let value = named.first, value.contains(where: \.isLetter),
                      let index = words.firstIndex(of: value) else { continue }
                let before = words[..<index].reversed().first { !articles.contains($0) }
                guard let before, copulas.contains(before) else { continue }
                let inLists = listed.reduce(0) { $0 + $1.filter { $0 == value }.count }
                let everywhere = passages.reduce(0) { $0 + $1.words.filter { $0 == value }.count }
                if everywhere <= inLists { return value }
            }
            return nil
        }
    }
}
