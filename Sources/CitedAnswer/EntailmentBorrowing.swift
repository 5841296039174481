extension Entailment {
    /// A statement assembled from two passage sentences: the figures or the denial of one, the subject of
    /// another. Every word is in the passage, so overlap and similarity accept it, yet the passage says
    /// neither: "3-year local recurrence was 5.3% vs 22.5%" where 5.3% and 22.5% are the figures of distant
    /// progression, or "low albumin does not predict a long stay" where the passage denies only an effect on
    /// readmissions.
    enum Borrowing {
        /// A text's effect figures (`EvidenceQuotes.effectFigures`: decimals and percentages, not P values) as
        /// numbers, without the "95" of a confidence level.
        static func figures(_ text: String) -> Set<Double> {
            Set(EvidenceQuotes.effectFigures(in: text).compactMap(Double.init)).subtracting([95])
        }

        /// Pairs of adjacent content words ("local recurrence", "overall survival") as stem pairs; never across
        /// punctuation ("In type 2 diabetes, microvascular disease …" has no phrase "diabetes microvascular").
        static func phrases(_ unit: Unit) -> Set<String> {
            Set(unit.lowered.split(whereSeparator: { ",;:()[]".contains($0) }).flatMap { part -> [String] in
                let words = Unit.wordsOf(String(part)).map { word -> String? in
                    guard word.count >= 4, word.allSatisfy(\.isLetter), !ContentWords.stopwords.contains(word),
                          !Binding.labels.contains(word) else { return nil }
                    return ContentWords.stem(word)
                }
                return zip(words, words.dropFirst()).compactMap { a, b in
                    guard let a, let b, a != b else { return nil }
                    return a + " " + b
                }
            })
        }

        /// The first passage sentence that holds all of the claim's effect figures, two at least: where the claim
        /// took them from.
        static func home(of claim: Unit, in passages: [Unit]) -> Unit? {
            let claimed = figures(claim.text)
            guard claimed.count >= 2 else { return nil }
            return passages.first { claimed.isSubset(of: figures($0.text)) }
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
        /// that the claim does not give (written out or abbreviated there); or with a phrase whose first word (the one that tells the measures
        /// apart: "local" control against "distant" progression) only such a sentence uses, before another noun
        /// ("local control: 5.3% versus 10.7%" where "local recurrence" has its own figures and 5.3% is distant
        /// progression's). Returns the phrase (as stems) and the figures' own sentence.
        static func measure(_ claim: Unit, passages: [Unit]) -> (phrase: String, home: Unit)? {
            guard let home = home(of: claim, in: passages) else { return nil }
            let claimed = figures(claim.text)
            let sentences = passages.map { (unit: $0, figures: figures($0.text)) }
            // The other sentences that report figures of their own, with their phrases.
            let reporting = sentences.filter { $0.unit.text != home.text && $0.figures.subtracting(claimed).count >= 2 }
                .map { (unit: $0.unit, phrases: phrases($0.unit)) }
            let homePhrases = phrases(home)
            let claimPhrases = phrases(claim).sorted()
            // Written out or abbreviated there: "disease-free survival" for a sentence that reports "DFS".
            let borrowed = claimPhrases.first { phrase in
                !homePhrases.contains(phrase) && !abbreviates(phrase, in: home)
                    && reporting.contains { $0.phrases.contains(phrase) || abbreviates(phrase, in: $0.unit) }
            }
            if let borrowed { return (borrowed, home) }
            let homeStems = Set(home.words.map { ContentWords.stem($0) })
            let modified = claimPhrases.first { phrase in
                guard let first = phrase.split(separator: " ").first.map(String.init), !homeStems.contains(first),
                      !abbreviates(phrase, in: home) else { return false }
                return reporting.contains { $0.phrases.contains { $0.hasPrefix(first + " ") } }
            }
            return modified.map { ($0, home) }
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
