extension Entailment {
    /// A result claimed against a comparator ("X reduces Y compared with placebo") that the cited passages
    /// never report: they describe the design, the population or the question, and say of no outcome that it
    /// rose, fell, improved or worsened. A trial's methods paragraph names the drug, the comparator and the
    /// outcome, so its words cover the claim; only the result is missing.
    enum Finding {
        /// Words that set a comparison against another arm or a control.
        static let comparators: Set<String> = ["than", "compared", "versus", "vs", "placebo", "control", "controls"]

        /// Words of a position, not of a change ("a classifier score above 0.1").
        static let positions: Set<String> = ["above", "below", "upper", "maximum", "max", "minimum", "min"]

        /// Words that report a result without a direction.
        static let results: Set<String> = [
            "significant", "significantly", "difference", "differences", "differed", "differ", "different", "similar",
            "comparable", "associated", "association", "efficacy", "efficacious", "odds", "hazard",
        ]

        /// Words of a change or an effect (the first two pairs of `Polarity`: increase/decrease, improve/worsen).
        static let effects = Polarity.pairs.prefix(2)
            .reduce(into: Set<String>()) { $0.formUnion($1.0); $0.formUnion($1.1) }
            .subtracting(positions)

        /// The claim's effect word, when the claim compares and no passage has any word of a change, an effect
        /// or a result.
        static func unreported(_ claim: Unit, passages: [Unit]) -> String? {
            guard claim.words.contains(where: comparators.contains),
                  let word = claim.words.first(where: effects.contains),
                  passages.allSatisfy({ $0.words.allSatisfy { !effects.contains($0) && !results.contains($0) } })
            else { return nil }
            return word
        }

        /// Phrases of a null result.
        static let nullPhrases = [
            "no difference", "no significant", "no statistically significant", "not significantly", "did not differ",
            "not differ", "not statistically significant", "were similar", "was similar", "were comparable",
            "was comparable", "no effect", "no benefit",
        ]

        /// A change claimed ("prednisolone reduces acute GvHD") where a passage sentence about the changed term
        /// finds none ("no significant difference in incidence of acute GvHD"), and no passage sentence about the
        /// claim and that term states a change. Returns the null sentence.
        static func null(_ claim: Unit, passages: [Unit]) -> Unit? {
            guard Negation.scopes(claim).negated.isEmpty,
                  let index = claim.words.firstIndex(where: effects.contains),
                  let term = claim.words[(index + 1)...].lazy.map(Comparison.term).first(where: { !$0.isEmpty })
            else { return nil }
            let aligned = passages.filter { sentence in
                sentence.stems.intersection(claim.stems).count >= 2 && (sentence.stems.contains(term) || sentence.words.contains(term))
            }
            let statesChange = aligned.contains { sentence in
                let denied = Negation.scopes(sentence).negated
                return sentence.words.contains { effects.contains($0) && !denied.contains(String($0.prefix(5))) }
            }
            guard !statesChange else { return nil }
            return aligned.first { sentence in nullPhrases.contains { sentence.lowered.contains($0) } }
        }
    }
}
