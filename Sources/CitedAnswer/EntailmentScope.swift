import Foundation

extension Entailment {
    /// A figure the passage gives "for" one thing, claimed of another thing the passage gives something else
    /// "for": "the decimal module uses 6 significant digits by default" from "a precision of 6 digits after the
    /// decimal point for float, and shows all coefficient digits for Decimal". The figure belongs to its scope,
    /// whether that is a "for", a group ("with aura") or "the default".
    enum Scope {
        /// Words after "for" that name no scope: markup, articles, quantifiers and phrases ("for example").
        static let skipped: Set<String> = ["class", "func", "meth", "mod", "attr", "data", "obj", "exc", "the", "a",
                                           "an", "each", "every", "all", "both", "any", "some", "more", "less", "most",
                                           "example", "instance", "use", "which", "this", "that", "these", "those",
                                           "its", "their", "our", "your", "patients"]
        /// How far, in tokens, a "for" may follow its figure.
        static let reach = 6

        /// What the "for" at `index` scopes: the last part of the first word after it that names something
        /// (`float` for ":class:`float`", `decimal` for "~decimal.Decimal"), as a five-letter stem.
        static func scope(after index: Int, in tokens: [String]) -> String? {
            guard let next = tokens[(index + 1)...].prefix(4).first(where: { !skipped.contains($0) }) else { return nil }
            let word = next.drop { !$0.isLetter }.split(separator: ".").last.map(String.init) ?? ""
            guard word.count >= 4, word.allSatisfy(\.isLetter), !ContentWords.stopwords.contains(word) else { return nil }
            return ContentWords.stem(word)
        }

        /// The claim's figure, its scope in the passages and the other scope the claim names, when every place
        /// the passages give the figure scopes it ("6 digits … for float", no "for" just before it) to something
        /// the claim never names, and the claim names what another "for" of the passages scopes; nil otherwise.
        static func other(_ claim: Unit, passages: [Unit]) -> (number: String, scope: String, claimed: String)? {
            let named = Set(claim.words.map { ContentWords.stem($0) })
            for number in claim.numbers.sorted() {
                var own = Set<String>(), every = Set<String>(), unscoped = false
                for passage in passages {
                    let tokens = passage.tokens
                    let fors = tokens.indices.filter { tokens[$0] == "for" }
                    every.formUnion(fors.compactMap { scope(after: $0, in: tokens) })
                    for index in tokens.indices
                    where KeyTerms.normalizedNumber(tokens[index]).map({ Binding.same($0, number) }) == true {
                        let after = fors.first { $0 > index && $0 <= index + reach }
                        let before = fors.contains { $0 < index && $0 >= index - reach }
                        if let after, !before, let scoped = scope(after: after, in: tokens) {
                            own.insert(scoped)
                        } else {
                            unscoped = true
                        }
                    }
                }
                guard !unscoped, let scope = own.sorted().first, own.isDisjoint(with: named) else { continue }
                if let claimed = every.subtracting(own).intersection(named).sorted().first {
                    return (number, scope, claimed)
                }
            }
            return nil
        }

        /// Words a figure can follow that name no group or measure of its own: comparisons, directions and
        /// generic nouns ("higher: 3.48", "the rate was 12%").
        static let unnamedSkipped: Set<String> = ["highe", "lower", "incre", "decre", "reduc", "great", "less",
            "more", "fewer", "rate", "rates", "level", "value", "total", "overa", "respe", "appro", "range", "from",
            "than", "betwe", "aroun", "about", "also", "that", "which", "those", "these", "this", "group", "defau",
            "score", "by", "up", "down", "times", "fold", "rose", "fell", "risk", "chang", "resul", "effec"]

        /// Words that make the next one a group: "with aura", "among smokers".
        static let groupWords: Set<String> = ["with", "without", "in", "among", "for"]

        /// The claim's figure, the group it ties it to, and the passages' word for it, when the claim ties the
        /// figure to a group ("with aura: 3.48") that no passage sentence giving the figure names, while those
        /// give it to a word the claim also uses: "higher in migraine with aura: 3.48" against "in patients with
        /// migraine compared with those without … was 3.48", where "aura" is another sentence's. A paraphrase
        /// that renames the measure ("death rate 12%" for "mortality 12%") or words it with a verb ("shrank by
        /// 75%") names no group, and passes.
        static func unnamed(_ claim: Unit, passages: [Unit], context: String) -> (number: String, word: String, own: String)? {
            let named = Set(claim.words.map { ContentWords.stem($0) })
            let context = context.lowercased()
            for index in claim.tokens.indices {
                guard let number = KeyTerms.normalizedNumber(claim.tokens[index]),
                      let word = Binding.anchor(before: index, in: claim.tokens), word.count >= 4,
                      word.allSatisfy(\.isLetter), !unnamedSkipped.contains(word),
                      !ContentWords.stopwords.contains(word), !context.contains(word),
                      !passages.contains(where: { $0.containsNumber(number) && $0.tokens.contains { $0.hasPrefix(word) } }),
                      let position = claim.tokens[max(0, index - 4)..<index].lastIndex(where: { $0.hasPrefix(word) }),
                      position > 0, groupWords.contains(claim.tokens[position - 1]) else { continue }
                let own = passages.flatMap { passage in
                    passage.tokens.indices.compactMap { position -> String? in
                        guard KeyTerms.normalizedNumber(passage.tokens[position]).map({ Binding.same($0, number) }) == true
                        else { return nil }
                        return Binding.anchor(before: position, in: passage.tokens)
                    }
                }
                if let shared = own.first(where: named.contains) { return (number, word, shared) }
            }
            return nil
        }

        /// The claim's comparator and the one the passage gives the claim's figures against, when every passage
        /// sentence holding all of the claim's effect figures measures them against something else, never names
        /// the claim's comparator, and the claim's comparator has figures of its own in another sentence: "compared
        /// with ezetimibe, … (RR 0.83 …)" where "compared with placebo … (RR 0.83 …)" and "between PCSK9 mAbs and
        /// ezetimibe (RR 0.70 …)". A comparator reworded ("versus controls" for "compared with the control
        /// group") shares its stem and passes.
        static func otherComparator(_ claim: Unit, passages: [Unit]) -> (claimed: String, stated: String)? {
            let claimed = Finding.comparators(of: claim)
            let figures = Borrowing.figures(claim.text)
            guard !claimed.isEmpty, !figures.isEmpty else { return nil }
            let homes = passages.filter { figures.isSubset(of: Borrowing.figures($0.text)) }
            guard !homes.isEmpty else { return nil }
            let stated = homes.map(Finding.comparators(of:))
            guard stated.allSatisfy({ !$0.isEmpty && $0.isDisjoint(with: claimed) }),
                  let comparator = claimed.sorted().first(where: { stem in
                      homes.allSatisfy { !$0.stems.contains(stem) && !$0.lowered.contains(stem) }
                          && passages.contains { other in
                              !homes.contains { $0.text == other.text } && other.lowered.contains(stem)
                                  && !Borrowing.figures(other.text).isEmpty
                          }
                  }),
                  let own = stated.first?.sorted().first else { return nil }
            return (comparator, own)
        }

        /// How far, in tokens, a default's figure may stand from the word "default".
        static let defaultReach = 4

        /// The figures within `defaultReach` tokens of a "default"/"defaults"/"defaulting" in `tokens`.
        static func defaults(in tokens: [String]) -> [String] {
            tokens.indices.filter { tokens[$0].hasPrefix("default") }.flatMap { index in
                tokens[max(0, index - defaultReach)...min(tokens.count - 1, index + defaultReach)]
                    .compactMap(KeyTerms.normalizedNumber)
            }
        }

        /// The claim's default figure and the passages' own, when the claim gives a default the passages state
        /// otherwise: "the decimal module uses 6 significant digits by default" against "a user alterable precision
        /// (defaulting to 28 places)", where 6 is only an example's `getcontext().prec = 6`.
        static func otherDefault(_ claim: Unit, passages: [Unit]) -> (claimed: String, stated: String)? {
            let claimed = defaults(in: claim.tokens)
            let stated = passages.flatMap { defaults(in: $0.tokens) }
            guard let first = claimed.first, let own = stated.first,
                  !claimed.contains(where: { number in stated.contains { Binding.same($0, number) } }) else { return nil }
            return (first, own)
        }
    }
}
