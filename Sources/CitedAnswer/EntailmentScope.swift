import Foundation

extension Entailment {
    /// A figure the passage gives "for" one thing, claimed of another thing the passage gives something else
    /// "for": "the decimal module uses 6 significant digits by default" from "a precision of 6 digits after the
    /// decimal point for float, and shows all coefficient digits for Decimal". The figure belongs to its scope.
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
            return String(word.prefix(5))
        }

        /// The claim's figure, its scope in the passages and the other scope the claim names, when every place
        /// the passages give the figure scopes it ("6 digits … for float", no "for" just before it) to something
        /// the claim never names, and the claim names what another "for" of the passages scopes; nil otherwise.
        static func other(_ claim: Unit, passages: [Unit]) -> (number: String, scope: String, claimed: String)? {
            let named = Set(claim.words.map { String($0.prefix(5)) })
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
    }
}
