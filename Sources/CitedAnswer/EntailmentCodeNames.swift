import Foundation

extension Entailment {
    /// Mistakes about an API that the word rules cannot see: one type named for another, and one function's
    /// behaviour given to the function its entry only compares it with.
    enum CodeNames {
        /// Built-in kinds of value a documentation sentence names ("returns a new tuple subclass"), with their
        /// spelled-out forms as one kind.
        static let types: [String: String] = [
            "list": "list", "lists": "list", "tuple": "tuple", "tuples": "tuple", "dict": "dict", "dictionary": "dict",
            "dictionaries": "dict", "set": "set", "sets": "set", "frozenset": "frozenset", "str": "str", "string": "str",
            "strings": "str", "bytes": "bytes", "bytearray": "bytearray", "int": "int", "integer": "int",
            "integers": "int", "float": "float", "floats": "float", "bool": "bool", "boolean": "bool",
            "iterator": "iterator", "generator": "generator", "deque": "deque", "array": "array",
        ]

        /// The claim copies the passage sentence around one word and gives another type there: "returns a new list
        /// subclass" for "Returns a new tuple subclass" (`replaced`: the claim's `Substitution.replacedWords`).
        /// Returns the claim's type and the passage's.
        static func typeSwap(_ replaced: [(said: String, source: String)]) -> (String, String)? {
            replaced.first { pair in
                guard let new = types[pair.said], let old = types[pair.source] else { return false }
                return new != old
            }.map { ($0.said, $0.source) }
        }

        /// Words that name another function only to compare with it: "Similar to :func:`bisect_left`, but …",
        /// "Like ``foo()``", "unlike", "same as", "instead of", "see also".
        static let comparisonCues: Set<String> = ["similar", "like", "unlike", "same", "instead", "rather", "see",
                                                  "compare", "compared", "contrast", "versus", "vs"]

        /// The claim's subject is a code name that the passage names only to compare its own function with
        /// ("bisect_left gives an insertion point to the right …" from the `bisect_right` entry, which reads
        /// "Similar to bisect_left, but returns an insertion point which comes after (to the right of) …"). The
        /// entry describes another function; what it says applies to the one it compares with only by reference.
        /// Returns the name.
        static func comparedOnly(_ claim: Unit, passages: [Unit]) -> String? {
            let code = Set(KeyTerms.codeNames(claim.text))
            guard let index = claim.tokens.prefix(3).firstIndex(where: { token in
                code.contains(token) || token.contains("_") && token.contains(where: \.isLetter)
                    || token.contains(".") && token.split(separator: ".").count > 1 && token.first?.isLetter == true
            }) else { return nil }
            let name = claim.tokens[index]
            guard !claim.tokens[..<index].contains(where: comparisonCues.contains) else { return nil }
            var mentions = 0
            for passage in passages {
                for (position, token) in passage.tokens.enumerated() where token == name {
                    mentions += 1
                    guard passage.tokens[max(0, position - 3)..<position].contains(where: comparisonCues.contains) else {
                        return nil
                    }
                }
            }
            return mentions > 0 ? name : nil
        }
    }
}
