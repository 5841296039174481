extension Entailment {
    /// A claim copied from the passage's sentence with one thing changed: a name put in another's place, two
    /// names trading places, or another number at the same place. Every word but that one is the passage's,
    /// so overlap, similarity and the word-by-word rules all accept it.
    enum Substitution {
        /// The claim is the passage sentence, or a run of it, with one name put in another's place, or two of
        /// its names trading places, and the passages give the new name elsewhere: "lower miR-320a-3p" for the
        /// passage's "lower miR-122-5p", "``eigenvects`` should be preferred" for "``eigenvals`` …", "On Linux
        /// … uses a bigger buffer" for "On Windows … uses a bigger buffer and …", "a ``heappush`` followed by
        /// ``heappop``" for "a ``heappop`` followed by ``heappush``". Returns the claim's name and the passage's.
        static func name(_ claim: Unit, _ target: Unit, passages: [Unit],
                         isCommon: ((String) -> Bool)?) -> (String, String)? {
            let said = KeyTerms.tokens(claim.text), source = KeyTerms.tokens(target.text)
            guard said.count >= 6, said.count <= source.count else { return nil }
            let lowerSaid = said.map { $0.lowercased() }, lowerSource = source.map { $0.lowercased() }
            for offset in 0...(source.count - said.count) {
                let differing = said.indices.filter { lowerSaid[$0] != lowerSource[offset + $0] }
                if differing.count == 2, let (first, second) = transposed(differing, lowerSaid, lowerSource, offset),
                   isName(said[first], at: first, isCommon: isCommon), isName(said[second], at: second, isCommon: isCommon) {
                    return (said[first], source[offset + first])
                }
                guard differing.count == 1, let index = differing.first else { continue }
                let name = said[index], original = source[offset + index]
                let (new, old) = (lowerSaid[index], lowerSource[offset + index])
                // A word and its inflection ("patient", "patients") are one name.
                guard !new.hasPrefix(old), !old.hasPrefix(new),
                      isName(name, at: index, isCommon: isCommon), isName(original, at: offset + index, isCommon: isCommon),
                      passages.contains(where: { $0.tokens.contains(new) }) else { continue }
                return (name, original)
            }
            return nil
        }

        /// The two differing places of a copy when their words trade places, unless the passage only joins
        /// them ("A and B", with no "respectively" to give each its own value): that order says nothing.
        static func transposed(_ differing: [Int], _ said: [String], _ source: [String], _ offset: Int) -> (Int, Int)? {
            let (first, second) = (differing[0], differing[1])
            guard said[first] == source[offset + second], said[second] == source[offset + first] else { return nil }
            let between = source[(offset + first + 1)..<(offset + second)]
            if between.allSatisfy({ ["and", "or", "&", "nor"].contains($0) }), !source.contains("respectively") {
                return nil
            }
            return (first, second)
        }

        /// The words the claim puts in place of single passage words where it otherwise follows the passage
        /// sentence (60% of its tokens matched, in order), as (claim's word, passage's word); the same words or a
        /// sentence's bounds on both sides of each. Empty for a claim of fewer than 4 tokens.
        static func replacedWords(_ claim: Unit, _ target: Unit) -> [(said: String, source: String)] {
            let said = claim.tokens, source = target.tokens
            guard said.count >= 4, said.count <= 400, source.count <= 400 else { return [] }
            let (matched, hunks) = differences(said, source)
            guard Double(matched) >= 0.6 * Double(said.count) else { return [] }
            return hunks.filter { $0.0.count == 1 && $0.1.count == 1 }
                .map { (said: said[$0.0.lowerBound], source: source[$0.1.lowerBound]) }
        }

        /// The claim follows the passage sentence word for word around a number, and gives another number there:
        /// "aHR 2.29" where the passage reads "aHR 1.08", "(P = 0.018)" and "(P = 0.006)" trading places, "the
        /// 100th percentile" for "the 0th percentile". Only a number with the same words (or the sentence's
        /// bounds) on both sides counts (`replaced`: the claim's `replacedWords`), in a claim of 6 tokens or more,
        /// and a rounding ("1.1" for "1.08") is the same number. Returns the claim's number and the passage's.
        static func number(_ claim: Unit, replaced: [(said: String, source: String)]) -> (String, String)? {
            guard claim.tokens.count >= 6 else { return nil }
            for (said, source) in replaced {
                guard let new = KeyTerms.normalizedNumber(said), let old = KeyTerms.normalizedNumber(source),
                      !rounds(old, to: new) else { continue }
                return (said, source)
            }
            return nil
        }

        /// Whether `exact`, rounded to the decimals `shown` is written with, is `shown`.
        static func rounds(_ exact: String, to shown: String) -> Bool {
            guard let value = Double(exact), let target = Double(shown) else { return exact == shown }
            let decimals = shown.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0
            var scale = 1.0
            for _ in 0..<min(decimals, 12) { scale *= 10 }
            return (value * scale).rounded() == (target * scale).rounded()
        }

        /// A longest common subsequence of `a` and `b`: how many tokens it matches, and the places where the two
        /// differ (a token range in each) between two matched tokens, or between one and the start or end of both
        /// (a sentence's bounds hold a place as well as a word). A caller that wants a single changed token
        /// asks for ranges of one: a run of `b` leaves a longer range at its end.
        static func differences(_ a: [String], _ b: [String]) -> (matched: Int, hunks: [(Range<Int>, Range<Int>)]) {
            // suffix[i][j]: the length of a longest common subsequence of a[i...] and b[j...].
            var suffix = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    suffix[i][j] = a[i] == b[j] ? suffix[i + 1][j + 1] + 1 : max(suffix[i + 1][j], suffix[i][j + 1])
                }
            }
            var hunks: [(Range<Int>, Range<Int>)] = []
            var (i, j) = (0, 0)
            var lastMatch = (-1, -1)
            func close(_ i: Int, _ j: Int) {
                let (claimPart, sourcePart) = ((lastMatch.0 + 1)..<i, (lastMatch.1 + 1)..<j)
                if !claimPart.isEmpty, !sourcePart.isEmpty { hunks.append((claimPart, sourcePart)) }
            }
            while i < a.count, j < b.count {
                if a[i] == b[j] {
                    close(i, j)
                    lastMatch = (i, j)
                    (i, j) = (i + 1, j + 1)
                } else if suffix[i + 1][j] >= suffix[i][j + 1] {
                    i += 1
                } else {
                    j += 1
                }
            }
            if suffix[0][0] > 0 { close(a.count, b.count) }
            return (suffix[0][0], hunks)
        }

        /// The claim follows the passage sentence (most of its words, in order) and puts one population in another's
        /// place (the same word before or after it): "compared to those from admitted adults" for "… admitted
        /// children", the passage naming adults elsewhere or not. Returns the claim's word and the passage's.
        static func population(_ claim: Unit, _ target: Unit) -> (String, String)? {
            let said = claim.tokens, source = target.tokens
            guard said.count >= 6, said.count <= 400, source.count <= 400,
                  said.contains(where: populations.contains), source.contains(where: populations.contains) else { return nil }
            let (matched, hunks) = differences(said, source)
            guard Double(matched) >= 0.6 * Double(said.count) else { return nil }
            func inflects(_ a: String, _ b: String) -> Bool { a.hasPrefix(b) || b.hasPrefix(a) }
            // Word for word ("worse in adolescent boys compared with girls" for "… girls compared with boys"; with
            // the direction turned round too, "higher in boys than in girls" for "lower in girls than in boys", it is
            // a paraphrase) …
            func directions(_ words: [String]) -> Set<Int> {
                Set(Polarity.pairs.prefix(2).enumerated().flatMap { index, pair in
                    (words.contains(where: pair.0.contains) ? [2 * index] : []) + (words.contains(where: pair.1.contains) ? [2 * index + 1] : [])
                })
            }
            for (claimRange, sourceRange) in hunks where claimRange.count == 1 && sourceRange.count == 1
                && directions(claim.words) == directions(target.words) {
                let new = said[claimRange.lowerBound], old = source[sourceRange.lowerBound]
                if populations.contains(new), populations.contains(old), !inflects(new, old) { return (new, old) }
            }
            // … or past what the claim leaves out, a population the passage's sentence never names.
            // The same slot: the word before it (or, first in the sentence, after it) is the same.
            func neighbours(_ tokens: [String], _ index: Int) -> [String] {
                [index > 0 ? tokens[index - 1] : "", index + 1 < tokens.count ? tokens[index + 1] : ""]
            }
            for (index, new) in said.enumerated() where populations.contains(new) && !source.contains(where: { inflects($0, new) }) {
                let around = neighbours(said, index)
                if let old = source.indices.first(where: { place in
                    populations.contains(source[place]) && !said.contains(where: { inflects($0, source[place]) })
                        && zip(neighbours(source, place), around).contains { $0 == $1 && !$0.isEmpty }
                }) {
                    return (new, source[old])
                }
            }
            return nil
        }

        /// Words for who a finding is about: ordinary words, yet one in another's place changes the finding.
        static let populations: Set<String> = [
            "adult", "adults", "child", "children", "adolescent", "adolescents", "infant", "infants", "neonate", "neonates",
            "newborn", "newborns", "men", "women", "man", "woman", "boys", "girls", "boy", "girl", "male", "males",
            "female", "females", "elderly", "older", "younger", "mothers", "fathers", "smokers", "nonsmokers",
        ]

        /// Whether a token names something: letters mixed with digits (`miR-122-5p`, `0.2Q`), a code name
        /// (`lru_cache`, `sympy.solve`), a capital inside it (`IVRA`, `HbA1c`) or, past the sentence's first
        /// word, at its start (`Windows`); with a vocabulary, also an uncommon word (`eigenvals`).
        static func isName(_ token: String, at index: Int, isCommon: ((String) -> Bool)?) -> Bool {
            if token.contains(where: \.isLetter) && token.contains(where: \.isNumber) { return true }
            if token.contains(where: { "_.~".contains($0) }) && token.contains(where: \.isLetter) { return true }
            if token.dropFirst().contains(where: \.isUppercase) { return true }
            if index > 0, token.first?.isUppercase == true { return true }
            if let isCommon, token.count >= 4, token.allSatisfy(\.isLetter) { return !isCommon(token.lowercased()) }
            return false
        }
    }
}
