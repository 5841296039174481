import Foundation

/// Shortens a passage for the prompt to its parts closest to the question, in their original order, so a
/// small model reads less (prefill time is most of the wait for the first word) and meets fewer distractors.
/// The passage itself is still what is cited, shown and checked.
public enum Excerpt {
    /// The passage cut into units a quote can be made of: prose sentences, and code or formula
    /// paragraphs kept whole (a code example is never cut in the middle).
    public static func units(of text: String) -> [String] {
        var units: [String] = []
        for paragraph in text.components(separatedBy: "\n\n") {
            let trimmed = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if looksLikeCode(paragraph) {
                units.append(trimmed)
            } else {
                units.append(contentsOf: SentenceSplitter.split(trimmed).map(\.text).filter { !$0.isEmpty })
            }
        }
        return units
    }

    /// Whether `unit` is the signature an API entry's passage opens with (`limit_denominator(max_denominator=1000000)`
    /// under the label `limit_denominator`): short, naming the entry, with its parameters.
    public static func isSignature(_ unit: String, label: String) -> Bool {
        !label.isEmpty && unit.count <= 240 && !unit.contains("\n")
            && unit.range(of: label + "(") != nil && !unit.hasSuffix(".")
    }

    /// Whether a passage states nothing: once directive lines (`.. autoclass::`), roles (`:members:`), code
    /// spans and names (`sympy.plotting.plot::MatplotlibBackend`, `NCT03935542`) are set aside, not one word
    /// is left. Such a passage (an API stub whose text the docs generate elsewhere, a bare registry number)
    /// can name a thing but back no statement about it.
    public static func statesNothing(_ text: String) -> Bool {
        let prose = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix(".. ") }
            .map { outsideCode(String($0)) }.joined(separator: " ")
        return !prose.split(whereSeparator: \.isWhitespace).contains { token in
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'()[]{}*"))
            guard word.count >= 2, word.allSatisfy(\.isLetter) else { return false }
            // A role (`:members:`, `:func:`) or a piece of a name (`plot::Backend`) is not a word of prose.
            return !token.hasPrefix(":") && !token.contains("::") && !KeyTerms.isIdentifier(word)
        }
    }

    /// The text with its code spans blanked out. A run of backticks (reST ``x``) opens or closes one span. A
    /// span never closed ("`shorten(text, width) Collapse and truncate …") is code to the end of its call or
    /// word (`unclosedCodeEnd`); the rest is text.
    static func outsideCode(_ text: String) -> String {
        var inCode = false
        var outside = ""
        var span = ""
        var previous: Character?
        for character in text {
            if character == "`" {
                if previous != "`" {
                    inCode.toggle()
                    span = ""
                }
                outside.append(" ")
            } else if inCode {
                span.append(character)
            } else {
                outside.append(character)
            }
            previous = character
        }
        if inCode { outside += span[unclosedCodeEnd(span)...] }
        return outside
    }

    /// Where code that a backtick opened and none closed ends: after its brackets balance (`name(…)`), else at
    /// its first space.
    static func unclosedCodeEnd(_ span: String) -> String.Index {
        var depth = 0
        for index in span.indices {
            switch span[index] {
            case "(", "[", "{":
                depth += 1
            case ")", "]", "}":
                depth = max(0, depth - 1)
                if depth == 0 { return span.index(after: index) }
            case let character where character.isWhitespace && depth == 0:
                return index
            default:
                break
            }
        }
        return span.endIndex
    }

    /// Indented lines, doctest prompts, display math or fenced code.
    static func looksLikeCode(_ paragraph: String) -> Bool {
        let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: true)
        return lines.contains { $0.hasPrefix("    ") || $0.hasPrefix("\t") || $0.hasPrefix(">>>") || $0.hasPrefix("```") }
            || paragraph.contains("$$") || paragraph.contains("\\begin{")
    }

    /// The best units by `similarity` (the best one always) until `budget` tokens are used, joined in
    /// passage order; " … " marks where something was left out.
    /// `keep` units come first whatever their similarity (an API entry's signature, which holds its defaults).
    public static func select(_ units: [String], similarity: [Float], budget: Int, keep: Set<Int> = [],
                              tokenCount: (String) -> Int) -> String {
        precondition(units.count == similarity.count)
        guard !units.isEmpty else { return "" }
        var chosen = Set<Int>()
        var used = 0
        let order = units.indices.sorted { (keep.contains($0) ? 1 : 0, similarity[$0]) > (keep.contains($1) ? 1 : 0, similarity[$1]) }
        for index in order {
            let cost = tokenCount(units[index]) + 1
            if !chosen.isEmpty && used + cost > budget { continue }
            chosen.insert(index)
            used += cost
        }
        var text = ""
        var previous: Int?
        for index in chosen.sorted() {
            if let previous {
                // Code keeps its own lines; prose runs on.
                let block = units[previous].contains("\n") || units[index].contains("\n")
                text += index == previous + 1 ? (block ? "\n" : " ") : (block ? "\n…\n" : " … ")
            } else if index > 0 {
                text += "… "
            }
            text += units[index]
            previous = index
        }
        if let last = previous, last < units.count - 1 { text += " …" }
        return text
    }
}
