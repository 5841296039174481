extension Entailment {
    /// What a conversion starts from and what it gives: "converts a float to a SymPy expression" turns round
    /// "SymPy expressions can be converted to floating-point approximations". Read from "convert X to Y",
    /// "X … converted to Y" and "from X to Y" ("into" as "to").
    enum Conversion {
        static let verbs: Set<String> = ["convert", "converts", "converted", "converting", "conversion", "transform",
                                         "transforms", "transformed", "cast", "casts"]
        static let targets: Set<String> = ["to", "into"]

        /// The conversion's source and target terms (`Comparison.term`), or nil when the sentence has none.
        static func ends(_ unit: Unit) -> (source: Set<String>, target: Set<String>)? {
            let tokens = Comparison.bareTokens(unit)
            func terms(_ range: Range<Int>) -> Set<String> {
                Set(tokens[range].map(Comparison.term).filter { !$0.isEmpty })
            }
            for (index, token) in tokens.enumerated() where verbs.contains(token) || token == "from" {
                let window = (index + 1)..<min(index + 8, tokens.count)
                guard let to = window.first(where: { targets.contains(tokens[$0]) }) else { continue }
                let target = terms((to + 1)..<min(to + 5, tokens.count))
                // "convert X to Y", "from X to Y": X sits between; "X can be converted to Y": X comes before.
                var source = terms((index + 1)..<to)
                if source.isEmpty, token != "from" { source = terms(max(0, index - 6)..<index) }
                if !source.isEmpty, !target.isEmpty { return (source.subtracting(target), target.subtracting(source)) }
            }
            return nil
        }

        /// Whether the claim converts the other way from the passage sentence: its target is the passage's source
        /// and its source the passage's target.
        static func reversed(_ claim: Unit, _ passage: Unit) -> Bool {
            guard let c = ends(claim), let p = ends(passage) else { return false }
            return !c.target.isDisjoint(with: p.source) && !c.source.isDisjoint(with: p.target)
                && c.target.isDisjoint(with: p.target)
        }
    }
}
