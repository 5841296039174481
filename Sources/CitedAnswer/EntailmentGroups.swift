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
    }
}
