extension Entailment {
    /// Two terms (or short runs of terms) of the passage's sentence that the claim puts in each other's roles,
    /// however the rest is worded: "regular parameters are moved to come after all keyword-only parameters" for
    /// "keyword-only parameters are moved to come after all regular parameters", "changes the SymPy Symbol, but
    /// has no effect on the Python variable" for the reverse. Every word is the passage's, so overlap, similarity
    /// and the per-word rules accept it; only the order of the roles tells.
    enum Exchange {
        /// Most words in a run that trades places.
        static let longestRun = 3
        /// Words the claim must follow in order beyond what it follows without the exchange: one is what moving a
        /// single word to another place of the sentence gains.
        static let leastGain = 2
        /// Most exchanges tried per sentence (each one a longest-common-subsequence of two sentences), so that a long
        /// sentence in another order costs bounded time.
        static let mostTrials = 600
        /// Relations whose sides may be given in either order.
        static let symmetric: Set<String> = [
            "similar", "similarly", "equivalent", "equal", "equally", "same", "comparable", "identical", "between",
            "correlated", "correlation", "both", "alike", "interchangeable", "synonym",
        ]

        /// The two runs of the passage sentence's words (as written in it) that the claim exchanges, or nil. The
        /// words around them must stay the passage's, plain words included: "TNT improves the pCR rate" for "the pCR
        /// rate improved with TNT" turns the sentence round, it exchanges nothing. Not when the runs stand side by
        /// side (a list: "A and B"), when a word of either makes the relation symmetric, when only one of them
        /// compares, or when the claim reverses the direction (a swap with an antonym says the same: "B is less
        /// efficient than A"). Each run ends on a term, so a clause moved to the front is no exchange.
        static func exchanged(_ claim: Unit, _ target: Unit) -> (String, String)? {
            let said = words(claim), source = words(target)
            guard said.count >= 4, said.count <= 80, source.count <= 80,
                  !claim.words.contains(where: symmetric.contains), !target.words.contains(where: symmetric.contains),
                  !Polarity.reversed(claim.words, target.words), !Polarity.reversedAtTerm(claim, target),
                  // A comparison the passage's sentence does not make ("grew more among children than among women"
                  // from a list of each group's figures) orders its sides its own way; `Groups` checks its ranking.
                  Comparison.sides(claim).map({ Comparison.family($0.anchor) })
                    == Comparison.sides(target).map({ Comparison.family($0.anchor) })
            else { return nil }
            let keys = source.map(\.key), saidKeys = said.map(\.key)
            func isTerm(_ index: Int) -> Bool { source[index].isTerm }
            // A run starts at a term both sentences give once.
            let anchors = Set(said.filter(\.isTerm).map(\.key).filter { key in
                saidKeys.filter { $0 == key }.count == 1 && keys.filter { $0 == key }.count == 1
            })
            let before = Substitution.differences(saidKeys, keys).matched
            var best: (gain: Int, first: Range<Int>, second: Range<Int>)?
            var trials = 0
            search: for first in keys.indices where anchors.contains(keys[first]) {
                for second in keys.indices where second > first && anchors.contains(keys[second]) {
                    // The claim gives the later one first.
                    guard saidKeys.firstIndex(of: keys[second])! < saidKeys.firstIndex(of: keys[first])! else { continue }
                    // Each run ends on a term, and a term stands between them (side by side they are a list).
                    for firstLength in 1...longestRun where first + firstLength < second && isTerm(first + firstLength - 1) {
                        guard (first + firstLength..<second).contains(where: isTerm) else { continue }
                        for secondLength in 1...longestRun where second + secondLength <= keys.count
                            && isTerm(second + secondLength - 1) {
                            trials += 1
                            guard trials <= mostTrials else { break search }
                            let (a, b) = (first..<first + firstLength, second..<second + secondLength)
                            var swapped = Array(keys[..<a.lowerBound])
                            swapped += keys[b] + keys[a.upperBound..<b.lowerBound] + keys[a] + keys[b.upperBound...]
                            let gain = Substitution.differences(saidKeys, swapped).matched - before
                            if gain > (best?.gain ?? 0) { best = (gain, a, b) }
                        }
                    }
                }
            }
            guard let best, best.gain >= leastGain,
                  Double(before + best.gain) >= 0.7 * Double(said.count) else { return nil }
            func written(_ run: Range<Int>) -> String { source[run].map(\.token).joined(separator: " ") }
            return (written(best.first), written(best.second))
        }

        /// The unit's words outside brackets, in order: terms (`Comparison.term`) by their key, plain words as
        /// they are.
        static func words(_ unit: Unit) -> [(key: String, token: String, isTerm: Bool)] {
            Comparison.bareTokens(unit).compactMap { token in
                guard !token.isEmpty else { return nil }
                let key = Comparison.term(token)
                return key.isEmpty ? (token, token, false) : (key, token, true)
            }
        }
    }
}
