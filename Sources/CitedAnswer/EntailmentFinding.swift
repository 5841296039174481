extension Entailment {
    /// A result claimed against a comparator ("X reduces Y compared with placebo") that the cited passages
    /// never report: they describe the design, the population or the question, and say of no outcome that it
    /// rose, fell, improved or worsened. A trial's methods paragraph names the drug, the comparator and the
    /// outcome, so its words cover the claim; only the result is missing. Or one they report as no difference
    /// (`null`, `nullAgainst`).
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

        /// Whether one of the sentences states a change that it does not deny.
        static func statesChange(_ sentences: [Unit]) -> Bool {
            sentences.contains { sentence in
                let denied = Negation.scopes(sentence).negated
                return sentence.words.contains { effects.contains($0) && !denied.contains(ContentWords.stem($0)) }
            }
        }

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
            guard !statesChange(aligned) else { return nil }
            return aligned.first { sentence in nullPhrases.contains { sentence.lowered.contains($0) } }
        }

        /// Words that state a difference without its direction.
        static let differing: Set<String> = ["differ", "differed", "differs", "different", "difference", "differences"]

        /// Whether a sentence states a difference it does not deny ("differed significantly between groups").
        static func statesDifference(_ unit: Unit) -> Bool {
            let denied = Negation.scopes(unit).negated
            return unit.words.contains { differing.contains($0) && !denied.contains(ContentWords.stem($0)) }
        }

        /// A difference claimed where the passage's sentence finds none ("metrics differed significantly between
        /// groups" for "… were similar between groups"), or none claimed where it states one.
        static func contradictsNull(_ claim: Unit, _ target: Unit) -> Bool {
            func isNull(_ unit: Unit) -> Bool { nullPhrases.contains(where: unit.lowered.contains) && !statesDifference(unit) }
            return (statesDifference(claim) && isNull(target)) || (isNull(claim) && statesDifference(target))
        }

        /// Phrases of a null result against a comparator: "not superior to ezetimibe".
        static let comparatorNulls = nullPhrases + ["not superior"]
        /// Words after which a claim names what it compares against.
        static let comparing: Set<String> = ["compared", "versus", "vs", "than"]
        /// Words between such a word and the comparator.
        static let linking: Set<String> = ["with", "to", "the", "a", "an", "that", "of", "those"]

        /// The terms a sentence compares against (`Comparison.term` of the first word after "compared with",
        /// "versus", "than").
        static func comparators(of unit: Unit) -> Set<String> {
            Set(unit.words.indices.filter { comparing.contains(unit.words[$0]) }.compactMap { index in
                unit.words[(index + 1)...].drop(while: linking.contains).first.map(Comparison.term).flatMap { $0.isEmpty ? nil : $0 }
            })
        }

        /// A change claimed against a comparator ("… reduce MACEs compared with placebo, and compared with
        /// ezetimibe") where the passage sentences that name that comparator state no change and one finds
        /// none ("PCSK9 mAbs were not superior to ezetimibe"). Returns the comparator and the null sentence.
        static func nullAgainst(_ claim: Unit, passages: [Unit]) -> (comparator: String, sentence: Unit)? {
            guard Negation.scopes(claim).negated.isEmpty, claim.words.contains(where: effects.contains) else { return nil }
            for comparator in comparators(of: claim).sorted() {
                let naming = passages.filter { $0.stems.contains(comparator) || $0.words.contains(comparator) }
                guard !statesChange(naming) else { continue }
                if let null = naming.first(where: { sentence in comparatorNulls.contains { sentence.lowered.contains($0) } }) {
                    return (comparator, null)
                }
            }
            return nil
        }

        /// Population words that name no particular group: "older adults" is told apart by "older".
        static let groupNouns: Set<String> = ["patie", "adult", "indiv", "subje", "parti", "peopl", "perso", "cases",
                                              "group", "cohor", "those"]
        /// Words that end the noun phrase of an excluded group.
        static let groupEnds: Set<String> = ["at", "in", "during", "after", "before", "with", "among", "for", "on", "by",
                                             "from", "to", "compared", "versus", "vs", "than", "when", "if"]
        /// Verbs of an association a passage can deny ("but was not linked to …"), and the verbs between "but" and
        /// "not".
        static let associations: Set<String> = ["associated", "linked", "related", "correlated", "connected"]
        static let auxiliaries: Set<String> = ["was", "were", "is", "are", "did", "does", "had", "has", "have"]
        /// Words by which a claim sets its subject against another ("unlike", "whereas", "more … than"): it may
        /// name the excluded group without saying the finding holds for it.
        static let contrasts: Set<String> = ["unlike", "whereas", "while", "except", "only", "than", "rather", "but"]

        /// A finding the passage states for one group "but not" another ("Younger patients, but not older adults,
        /// … experience strong survival benefit"; "reduced pain but not disability"; "associated with decreased
        /// mortality … but was not linked to the need for ICU care"), claimed for the excluded
        /// one: the claim names every distinguishing word of the excluded group and two more of the sentence's
        /// words, and neither denies nor contrasts. Returns the excluded words as written.
        static func excluded(_ claim: Unit, passages: [Unit]) -> String? {
            guard !claim.words.contains(where: { Negation.cues.contains($0) || contrasts.contains($0) }) else { return nil }
            for sentence in passages where sentence.lowered.contains("but ") && sentence.lowered.contains("not ") {
                for phrase in sentence.text.split(whereSeparator: { ",;()[]".contains($0) }) {
                    let words = Unit.wordsOf(String(phrase)).map { $0.lowercased() }
                    // "but not", or "but was not": `start` is the word before the "not".
                    guard let but = words.indices.dropLast().first(where: { index in
                        words[index] == "but" && words[(index + 1)...].drop(while: auxiliaries.contains).first == "not"
                    }), let not = words[(but + 1)...].firstIndex(of: "not") else { continue }
                    let start = not - 1
                    let group: ArraySlice<String>
                    let distinguishing: Set<String>
                    if start + 2 < words.count, associations.contains(words[start + 2]) {
                        // A denied association: all it is denied with ("but was not linked to the need for ICU
                        // care"), less the words the sentence also gives what it does link ("the need for IMV").
                        group = words[(start + 3)...].drop(while: groupEnds.contains).prefix(6)
                        let elsewhere = sentence.text.replacingOccurrences(of: String(phrase), with: " ")
                        distinguishing = Set(ContentWords.stems(of: group.joined(separator: " ")))
                            .subtracting(ContentWords.stems(of: elsewhere)).subtracting(groupNouns)
                    } else {
                        // The excluded group: its noun phrase, without a leading preposition ("but not with …") and
                        // up to the next one ("but not disability at 12 weeks").
                        group = words[(start + 2)...].drop(while: groupEnds.contains).prefix { !groupEnds.contains($0) }.prefix(6)
                        distinguishing = Set(ContentWords.stems(of: group.joined(separator: " "))).subtracting(groupNouns)
                    }
                    guard !distinguishing.isEmpty, distinguishing.isSubset(of: claim.stems) else { continue }
                    let rest = sentence.stems.subtracting(distinguishing)
                    if claim.stems.intersection(rest).count >= 2 { return group.joined(separator: " ") }
                }
            }
            return nil
        }
    }
}
