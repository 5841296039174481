import Foundation

extension Entailment {
    /// Figures given to a group and to its negation ("with a routine protocol (31.2%) than with no protocol
    /// (44.1%)"): which of the two groups each figure belongs to.
    enum Groups {
        /// Words that make a group the other one: "without", "no protocol", "non-smokers".
        static let negations: Set<String> = ["without", "no", "not", "non", "none", "absence", "absent", "untreated"]

        /// Each figure written in parentheses right after its group ("… protocol (31.2%; 95% CI …)"), with whether
        /// that group is negated. The group is the text back to the previous parenthesis, "than", "versus" or
        /// clause mark. A figure written before its group ("31.2% with …") has none.
        static func figures(_ text: String) -> [(figure: String, negated: Bool)] {
            let lowered = text.lowercased()
            var found: [(String, Bool)] = []
            var groupStart = lowered.startIndex
            var index = lowered.startIndex
            while index < lowered.endIndex {
                let character = lowered[index]
                if character == "(" {
                    let group = lowered[groupStart..<index]
                    let inside = lowered[lowered.index(after: index)...].prefix { $0 != ")" && $0 != "(" }
                    if let first = KeyTerms.tokens(String(inside)).first, let figure = KeyTerms.normalizedNumber(first) {
                        found.append((figure, isNegated(group)))
                    }
                    groupStart = lowered.index(index, offsetBy: inside.count + 1, limitedBy: lowered.endIndex) ?? lowered.endIndex
                    index = groupStart
                    continue
                }
                if ",;:".contains(character) { groupStart = lowered.index(after: index) }
                index = lowered.index(after: index)
            }
            return found.map { (figure: $0.0, negated: $0.1) }
        }

        /// Whether the group's last words after "than", "versus", "vs" or "compared" hold a negation.
        static func isNegated(_ group: Substring) -> Bool {
            var words = Unit.wordsOf(String(group)).map { $0.lowercased() }
            if let boundary = words.lastIndex(where: { ["than", "versus", "vs", "compared"].contains($0) }) {
                words = Array(words[(boundary + 1)...])
            }
            return words.contains { negations.contains($0) || $0.hasPrefix("non-") }
        }

        /// Two figures the claim gives to a group and to its negation the other way round from a passage
        /// sentence that gives both the same way: "less frequent without any protocol (31.2%) than with a
        /// routine protocol (44.1%)" where the passage has "with routine-use protocol (31.2%) than … with no
        /// protocol (44.1%)". Returns the figure the claim gives to the wrong group.
        static func swapped(_ claim: Unit, passages: [Unit]) -> String? {
            let claimed = figures(claim.text)
            guard claimed.count >= 2 else { return nil }
            for passage in passages {
                let stated = figures(passage.text)
                guard stated.contains(where: \.negated), stated.contains(where: { !$0.negated }) else { continue }
                func negation(_ figure: String, in list: [(figure: String, negated: Bool)]) -> Bool? {
                    let values = Set(list.filter { Binding.same($0.figure, figure) }.map(\.negated))
                    return values.count == 1 ? values.first : nil
                }
                for (i, a) in claimed.enumerated() {
                    for b in claimed[(i + 1)...] where a.negated != b.negated && !Binding.same(a.figure, b.figure) {
                        guard let statedA = negation(a.figure, in: stated), let statedB = negation(b.figure, in: stated),
                              statedA != statedB else { continue }
                        if statedA != a.negated { return a.figure }
                    }
                }
            }
            return nil
        }

        /// Words between a figure and the group it is given to ("4.96% among infants").
        static let joiners: Set<String> = ["among", "in", "for", "of"]

        /// The groups a passage sentence gives a figure each, written "4.96% among infants" or "infants (4.96%":
        /// the group's first word (lowercased) and the figure's value, when the word gets one figure only.
        static func valued(_ unit: Unit) -> [String: (value: Double, percent: Bool)] {
            let tokens = KeyTerms.tokens(unit.text)
            var found: [String: [(Double, Bool)]] = [:]
            for (index, token) in tokens.enumerated() {
                guard let number = KeyTerms.normalizedNumber(token), let value = Double(number) else { continue }
                let percent = token.hasSuffix("%")
                if index + 2 < tokens.count, joiners.contains(tokens[index + 1].lowercased()),
                   tokens[index + 2].count >= 4, tokens[index + 2].allSatisfy(\.isLetter) {
                    found[tokens[index + 2].lowercased(), default: []].append((value, percent))
                }
            }
            // "infants (4.96%": the figure opens the parenthesis right after the word.
            let lowered = unit.text.lowercased()
            // Not a confidence level: "years (95% CI".
            let pattern = #"\b([a-z]{4,})\s*\(\s*(\d+(?:\.\d+)?)(?![\d.])(?!\s*%?\s*(?:ci\b|confidence))(%?)"#
            if let regex = try? NSRegularExpression(pattern: pattern) {
                for match in regex.matches(in: lowered, range: NSRange(lowered.startIndex..., in: lowered)) {
                    guard let word = Range(match.range(at: 1), in: lowered), let figure = Range(match.range(at: 2), in: lowered),
                          let sign = Range(match.range(at: 3), in: lowered), let value = Double(lowered[figure]) else { continue }
                    found[String(lowered[word]), default: []].append((value, !lowered[sign].isEmpty))
                }
            }
            return found.compactMapValues { values in
                Set(values.map(\.0)).count == 1 ? (values[0].0, values[0].1) : nil
            }
        }

        /// A claim without figures that ranks two groups ("increased more among infants … than among children")
        /// the other way round from the figures a passage sentence gives them ("4.96% among infants … and 9.12%
        /// among children"). Direction words of one side only, the first group before "than" and the other after
        /// it, both figures of one kind (percentages or not). Returns the two groups as the claim ranks them.
        static func misranked(_ claim: Unit, passages: [Unit]) -> (String, String)? {
            let words = claim.words
            let (up, down) = Polarity.pairs[0]
            let directions = words.indices.filter { up.contains(words[$0]) || down.contains(words[$0]) }
            // "increased more": every direction word on one side ("increased less" is left alone).
            guard let direction = directions.last, Set(directions.map { up.contains(words[$0]) }).count == 1,
                  EvidenceQuotes.effectFigures(in: claim.text).isEmpty, let than = words.lastIndex(of: "than"),
                  direction < than else { return nil }
            let rising = up.contains(words[direction])
            for passage in passages {
                let valued = valued(passage)
                guard valued.count >= 2 else { continue }
                guard let first = words[..<than].indices.first(where: { $0 > direction && valued[words[$0]] != nil })
                        ?? words[..<direction].indices.last(where: { valued[words[$0]] != nil }),
                      let second = words[(than + 1)...].indices.first(where: { valued[words[$0]] != nil }),
                      words[first] != words[second], let a = valued[words[first]], let b = valued[words[second]],
                      a.percent == b.percent, a.value != b.value else { continue }
                if (a.value > b.value) != rising { return (words[first], words[second]) }
            }
            return nil
        }
    }
}
