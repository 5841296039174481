import Foundation

extension Entailment {
    /// A statement assembled from two passage sentences: the figures or the denial of one, the subject of
    /// another. Every word is in the passage, so overlap and similarity accept it, yet the passage says
    /// neither: "3-year local recurrence was 5.3% vs 22.5%" where 5.3% and 22.5% are the figures of distant
    /// progression, or "low albumin does not predict a long stay" where the passage denies only an effect on
    /// readmissions.
    enum Borrowing {
        /// Decimal and percentage figures of a text, as numbers ("95%" of a confidence level left out).
        static func figures(_ text: String) -> Set<Double> {
            let pattern = #"(?<![\w.])\d*\.\d+|(?<![\w.])\d+(?:\.\d+)?(?=\s?%)"#
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
            let range = NSRange(text.startIndex..., in: text)
            return Set(regex.matches(in: text, range: range).compactMap { match in
                Range(match.range, in: text).flatMap { Double(text[$0]) }
            }).subtracting([95])
        }

        /// Pairs of adjacent content words ("local recurrence", "overall survival") as stem pairs.
        static func phrases(_ unit: Unit) -> Set<String> {
            let words = unit.words.map { word -> String? in
                guard word.count >= 4, word.allSatisfy(\.isLetter), !ContentWords.stopwords.contains(word),
                      !Binding.labels.contains(word) else { return nil }
                return String(word.prefix(5))
            }
            return Set(zip(words, words.dropFirst()).compactMap { a, b in
                guard let a, let b, a != b else { return nil }
                return a + " " + b
            })
        }

        /// Whether `sentence` holds an abbreviation of the phrase ("OS" for "overall survival", "DFS" for
        /// "disease free survival"), so the phrase is there under another spelling.
        static func abbreviates(_ phrase: String, in sentence: Unit) -> Bool {
            let initials = String(phrase.split(separator: " ").compactMap(\.first)).uppercased()
            return sentence.originalWords.contains { word in
                word.count >= 2 && word.count <= 6 && word == word.uppercased() && word.contains(initials)
            }
        }

        /// All of the claim's figures (two at least) come from one passage sentence, but the claim names them
        /// with a phrase that the passage uses only in another sentence, one that reports figures of its own
        /// that the claim does not give. Returns the phrase as the claim spells it and that sentence.
        static func measure(_ claim: Unit, passages: [Unit]) -> (phrase: String, home: Unit)? {
            let claimed = figures(claim.text)
            guard claimed.count >= 2,
                  let home = passages.first(where: { claimed.isSubset(of: figures($0.text)) }) else { return nil }
            let homePhrases = phrases(home)
            for phrase in phrases(claim).sorted() where !homePhrases.contains(phrase) && !abbreviates(phrase, in: home) {
                let reportsOwn = passages.contains { other in
                    other.text != home.text && phrases(other).contains(phrase)
                        && figures(other.text).subtracting(claimed).count >= 2
                }
                if reportsOwn { return (phrase, home) }
            }
            return nil
        }

        /// Words that open a clause added to the statement (a reason, a contrast): a denial inside one
        /// ("since x is not affected", "but not when collected") often rewords what the passage states plainly.
        static let addedClause: Set<String> = ["since", "because", "but", "although", "though", "whereas", "unless", "while"]

        /// Words that state a sameness or an absence without denying anything: "length of stay was similar"
        /// may be reworded as "did not differ", "returns None" as "returns nothing".
        static let sameness: Set<String> = [
            "similar", "similarly", "comparable", "same", "equal", "equally", "unchanged", "equivalent", "identical",
            "unaffected", "unrelated", "alone", "except", "instead", "rather",
            "absent", "neutral", "stable", "none", "empty", "zero", "ignored", "ignores", "omitted",
            "skipped",
        ]

        /// The claim's statement is a denial, yet no passage sentence denies any of it or states a sameness or
        /// an absence: the denial was taken from another statement, or made up. Returns the claim's denied stems.
        static func negation(_ claim: Unit, passages: [Unit]) -> String? {
            guard let cue = claim.words.firstIndex(where: Negation.cues.contains),
                  claim.words[..<cue].allSatisfy({ !addedClause.contains($0) }) else { return nil }
            let denied = Negation.scopes(claim).negated
            guard !denied.isEmpty,
                  passages.allSatisfy({ Negation.scopes($0).negated.isDisjoint(with: denied) }),
                  passages.allSatisfy({ $0.words.allSatisfy { !sameness.contains($0) } }) else { return nil }
            return denied.sorted().joined(separator: ", ")
        }
    }
}
