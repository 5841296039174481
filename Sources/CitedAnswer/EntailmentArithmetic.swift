extension Entailment {
    /// A claim whose own figures say the opposite of its words: "higher odds of HA (OR 0.58)", "relapse was less
    /// frequent with the protocol (44.1%) than without it (31.2%)". Whatever the passage says, such a sentence is
    /// wrong: a model that moved a figure or turned a direction round wrote it. Only the words of the first
    /// `Polarity` pair (higher, lower, more, fewer…) are read, and a sentence with a negation before its direction,
    /// or with words of both directions, is left alone: which figure a "not" or a second direction governs is not
    /// clear.
    enum Arithmetic {
        /// Ratio labels, as written (an "or" in lowercase is the conjunction).
        static let ratioLabels: Set<String> = ["OR", "HR", "RR", "IRR", "aOR", "aHR", "aRR", "AOR", "AHR", "sHR", "SHR"]
        /// Ratios written out: the word before "ratio" ("odds ratio", "hazard ratio", "risk ratio").
        static let ratioWords: Set<String> = ["odds", "hazard", "risk", "rate"]
        /// What a ratio measures: a direction word before one of these is the ratio's direction.
        static let ratioQuantities: Set<String> = ["odds", "risk", "risks", "hazard", "hazards", "likely", "likelihood",
                                                   "chance", "chances", "probability", "incidence"]

        /// The claim's contradiction, as its direction word and the figures against it; nil when there is none,
        /// or when a passage sentence reads the same way (the source's own wording is not the model's error).
        static func contradiction(_ claim: Unit, passages: [Unit]) -> (word: String, figures: String)? {
            guard let found = inconsistency(claim) else { return nil }
            let stated = passages.contains { passage in inconsistency(passage).map { $0.word == found.word } == true }
            return stated ? nil : found
        }

        /// A ratio the passages give (after "OR", "HR", "odds ratio" …) that the claim gives as an amount of
        /// change: "improved pCR and DFS by 1.77" where 1.77 is pCR's odds ratio, "increases quit rates by 1.14".
        /// A ratio is not a difference, and the claim moves it onto whatever it names before. Returns the figure.
        static func ratioAsAmount(_ claim: Unit, passages: [Unit]) -> String? {
            let tokens = KeyTerms.tokens(claim.text), lowered = tokens.map { $0.lowercased() }
            let ratios = passages.flatMap { ratioValues(KeyTerms.tokens($0.text)) }
            for index in lowered.indices.dropLast() where lowered[index] == "by" {
                let figure = tokens[index + 1]
                guard !figure.hasSuffix("%"), let number = KeyTerms.normalizedNumber(figure), number.contains("."),
                      let value = Double(number),
                      lowered[(index + 2)...].first.map({ ["fold", "times", "points", "units"].contains($0) }) != true,
                      ratios.contains(where: { $0.value == value }) else { continue }
                return figure
            }
            return nil
        }

        /// The direction word and the figures that contradict it, within one sentence.
        static func inconsistency(_ unit: Unit) -> (word: String, figures: String)? {
            let tokens = KeyTerms.tokens(unit.text)
            let lowered = tokens.map { $0.lowercased() }
            guard lowered.count <= 400 else { return nil }
            let (up, down) = Polarity.pairs[0]
            let directions = lowered.indices.filter { up.contains(lowered[$0]) || down.contains(lowered[$0]) }
            let sides = Set(directions.map { up.contains(lowered[$0]) })
            // A negation before the direction may deny it ("did not have higher odds"); after it, it names a
            // group ("than without any protocol").
            guard sides.count == 1, let rising = sides.first, let first = directions.first,
                  !lowered[..<first].contains(where: Negation.cues.contains) else { return nil }
            let word = tokens[first]
            // Every ratio of the sentence on the other side of 1 than its direction, when the direction is the
            // ratio's own ("higher odds", "more likely"; "shorter lifespan" goes with a hazard ratio above 1).
            let ratios = ratioValues(tokens)
            let ofRatio = directions.contains { index in
                lowered[(index + 1)..<min(index + 3, lowered.count)].contains(where: ratioQuantities.contains)
            }
            if ofRatio, !ratios.isEmpty, ratios.allSatisfy({ rising ? $0.value < 1 : $0.value > 1 }) {
                return (word, ratios.map(\.text).joined(separator: ", "))
            }
            // "decreased from 40% (IQR 33-41) to 58%": the change its own figures give goes the other way.
            if let (x, y) = fromTo(tokens, lowered, after: first), x.percent == y.percent, x.value != y.value,
               (y.value > x.value) != rising {
                return (word, "from \(x.text) to \(y.text)")
            }
            // "… lower in A (x) than in B (y)" or "… lower in A than in B (x vs y)", with x above y.
            guard let than = lowered.firstIndex(of: "than"), let direction = directions.last(where: { $0 < than }),
                  let (x, y) = comparedValues(tokens, lowered, direction: direction, than: than),
                  x.percent == y.percent, x.value != y.value, (x.value > y.value) == !rising else { return nil }
            return (word, "\(x.text) than \(y.text)")
        }

        /// The values of the ratios a sentence gives: the first decimal number within two tokens after a label.
        static func ratioValues(_ tokens: [String]) -> [(text: String, value: Double)] {
            tokens.indices.compactMap { index in
                let labelled = ratioLabels.contains(tokens[index])
                    || (tokens[index].lowercased() == "ratio" && index > 0 && ratioWords.contains(tokens[index - 1].lowercased()))
                guard labelled else { return nil }
                // A ratio is written with decimals ("OR 0.58", "HR 2.0"); "HR 72" is a heart rate.
                for next in tokens[(index + 1)..<min(index + 3, tokens.count)] {
                    if let number = KeyTerms.normalizedNumber(next), number.contains("."), let value = Double(number) {
                        return (next, value)
                    }
                }
                return nil
            }
        }

        /// The figures of "from x … to y" right after a direction word ("fell significantly from 8.79 to 7.57"):
        /// the number just after "from", and the first number after the next "to" (past an interval in between).
        static func fromTo(_ tokens: [String], _ lowered: [String], after direction: Int)
            -> (x: (text: String, value: Double, percent: Bool), y: (text: String, value: Double, percent: Bool))? {
            func figure(_ index: Int) -> (text: String, value: Double, percent: Bool)? {
                guard index < tokens.count, let number = KeyTerms.normalizedNumber(tokens[index]), let value = Double(number)
                else { return nil }
                return (tokens[index], value, tokens[index].hasSuffix("%"))
            }
            guard let from = lowered[(direction + 1)..<min(direction + 4, lowered.count)].firstIndex(of: "from"),
                  let x = figure(from + 1),
                  let to = lowered[(from + 2)..<min(from + 9, lowered.count)].firstIndex(of: "to"),
                  let y = figure(to + 1) else { return nil }
            return (x, y)
        }

        /// The subject's and the object's figure of a comparison: the one number between the direction word and
        /// "than" with the first number after "than", or a pair "x vs y" after "than" (a rate with the next rate,
        /// past a count). P values are not figures.
        static func comparedValues(_ tokens: [String], _ lowered: [String], direction: Int, than: Int)
            -> (x: (text: String, value: Double, percent: Bool), y: (text: String, value: Double, percent: Bool))? {
            func figure(_ index: Int) -> (text: String, value: Double, percent: Bool)? {
                guard index > 0, !["p", "n"].contains(lowered[index - 1]),
                      let number = KeyTerms.normalizedNumber(tokens[index]), let value = Double(number) else { return nil }
                return (tokens[index], value, tokens[index].hasSuffix("%"))
            }
            let before = ((direction + 1)..<than).compactMap(figure)
            let after = ((than + 1)..<min(than + 10, tokens.count)).compactMap { index in figure(index).map { (index, $0) } }
            if before.count == 1, let first = after.first { return (before[0], first.1) }
            // "x vs y" after "than": the figure just before "vs", and the first after it of the same kind, past a
            // count ("21/78, 27% vs 6/70, 9%").
            if before.isEmpty, let versus = lowered[(than + 1)..<min(than + 10, lowered.count)].firstIndex(where: { ["vs", "vs.", "versus"].contains($0) }),
               let x = after.last(where: { $0.0 < versus }), x.0 >= versus - 1,
               let y = after.first(where: { $0.0 > versus && $0.0 <= versus + 4 && $0.1.percent == x.1.percent }) {
                return (x.1, y.1)
            }
            return nil
        }
    }
}
