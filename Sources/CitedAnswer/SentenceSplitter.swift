import Foundation

/// Splits an answer into sentences and reads their `[n]` citation markers.
///
/// Markers written after the full stop (`… fractures. [1] The dose …`) belong to the sentence before
/// them. Accepted marker forms: `[1]`, `[1, 3]`, `[1][2]`, `[2-4]`.
public enum SentenceSplitter {
    /// Words after which a full stop does not end a sentence.
    static let abbreviations: Set<String> = [
        "e.g", "i.e", "et al", "al", "vs", "fig", "figs", "approx", "ca", "cf", "dr", "no", "etc", "resp", "eq",
    ]

    public static func split(_ answer: String) -> [AnswerSentence] {
        let characters = Array(answer)
        var sentences: [AnswerSentence] = []
        var current = ""
        var citations: [Int] = []
        var index = 0

        func flush() {
            let text = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty || !citations.isEmpty {
                if text.isEmpty, !sentences.isEmpty {
                    sentences[sentences.count - 1].citations.append(contentsOf: citations)
                } else if !text.isEmpty {
                    sentences.append(AnswerSentence(text: collapseSpaces(text), citations: unique(citations)))
                }
            }
            current = ""
            citations = []
        }

        var inCode = false
        while index < characters.count {
            if characters[index] == "`" { inCode.toggle() }
            if characters[index] == "[", !inCode, canStartMarker(characters, at: index),
               let (numbers, end) = marker(characters, at: index) {
                citations.append(contentsOf: numbers)
                index = end
                continue
            }
            let character = characters[index]
            current.append(character)
            index += 1
            if character == "\n", index < characters.count, characters[index] == "\n" {
                flush()
                continue
            }
            guard ".!?".contains(character) else { continue }
            // The end of a sentence: punctuation followed by space and markers or a new sentence, or the end.
            var look = index
            while look < characters.count, characters[look] == "\"" || characters[look] == ")" {
                current.append(characters[look])
                look += 1
            }
            index = look
            if character == ".", endsWithAbbreviation(current) { continue }
            var probe = index
            while probe < characters.count, characters[probe] == " " { probe += 1 }
            if probe < characters.count, characters[probe] == "[", let (numbers, end) = marker(characters, at: probe) {
                citations.append(contentsOf: numbers)
                index = end
                var more = index
                while more < characters.count, characters[more] == " " { more += 1 }
                while more < characters.count, characters[more] == "[", let (extra, next) = marker(characters, at: more) {
                    citations.append(contentsOf: extra)
                    index = next
                    more = next
                }
                flush()
                continue
            }
            if probe >= characters.count || characters[probe].isWhitespace || probe > index
                && (characters[probe].isUppercase || characters[probe].isNumber || characters[probe] == "`") {
                flush()
            }
        }
        flush()
        return sentences
    }

    /// Markers follow a space, punctuation or another marker, never a name (`a[1]` is code).
    /// An answer's lines without list markup: a leading ordinal ("1.", "2)"), a bullet ("-", "*", "•") or a
    /// copied source header (`[2] "Title…" (2021):`) is layout, not a statement, and would otherwise become a
    /// sentence of its own ("1.") or be checked as part of the next one ("2021" is not in the passage).
    public static func withoutListMarkup(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var rest = line.drop { $0 == " " || $0 == "\t" }
            var changed = true
            while changed {
                changed = false
                if let header = rest.firstMatch(of: sourceHeader) {
                    rest = rest[header.range.upperBound...]; changed = true
                }
                if let marker = rest.firstMatch(of: listMarker) {
                    rest = rest[marker.range.upperBound...]; changed = true
                }
            }
            return String(rest)
        }.joined(separator: "\n")
    }

    nonisolated(unsafe) private static let sourceHeader = /^(\[\d{1,3}\]\s*)?"[^"\n]{3,240}"\s*(\(\d{4}\))?\s*:\s*/
    nonisolated(unsafe) private static let listMarker = /^(\d{1,2}[.)]|[-*•])(\s+|$)/

    /// A sentence without the model's talk about its answer or its sources ("The answer states that …", "According
    /// to the excerpt, …", "In the records, …"): what follows is the statement, and is what gets checked.
    public static func withoutPreamble(_ sentence: String) -> String {
        guard let match = sentence.firstMatch(of: preamble), match.range.upperBound < sentence.endIndex else { return sentence }
        let rest = sentence[match.range.upperBound...]
        return rest.prefix(1).uppercased() + rest.dropFirst()
    }

    nonisolated(unsafe) private static let preamble = #/(?i)^(?:the answer (?:states|says|is)(?: that| the finding itself:|:)?|according to (?:the )?(?:excerpts?|records?|sources?|passages?)(?: \[\d{1,3}\])?,|in the (?:excerpts?|records?|sources?|passages?),)\s+/#

    /// A sentence cut off mid-way (the token limit, a dangling "(" or "vs."), shortened to its last whole clause
    /// when a ";" ends one: "…50 mg, respectively (p < 0.001); numerically fewer doses of CPI, 76% vs. 55% vs."
    /// keeps what precedes the ";". Otherwise the text is returned as it is (`isUnfinished` tells the verifier).
    public static func finishedPart(of text: String) -> String {
        guard isUnfinished(text), let semicolon = text.lastIndex(of: ";") else { return text }
        let head = String(text[..<semicolon]).trimmingCharacters(in: .whitespaces)
        return isUnfinished(head + ".") ? text : head + "."
    }

    /// Words and signs that only lead into more: a sentence ending on one was cut off.
    static let leadingInto: Set<String> = [
        "vs.", "vs", "versus", "and", "or", "with", "of", "the", "to", "than", "in", "at", "for", "by", "from",
        "between", "among", "<", ">", "≤", "≥", "=", "±", "<=", ">=",
    ]

    /// Whether a sentence stops before it is complete: more "(" or "[" than closing ones, an ending that only
    /// leads into more ("vs.", "and", "AFP <", ",", "("), or a plain word with no closing sign ("DFS was not
    /// different in patients experiencing": generation stopped mid-sentence).
    public static func isUnfinished(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        func count(_ c: Character) -> Int { trimmed.reduce(0) { $0 + ($1 == c ? 1 : 0) } }
        if count("(") > count(")") || count("[") > count("]") { return true }
        if trimmed.last?.isLowercase == true { return true }
        let last = trimmed.split(whereSeparator: \.isWhitespace).last.map { $0.lowercased() } ?? ""
        return leadingInto.contains(last) || trimmed.hasSuffix(",") || trimmed.hasSuffix("(")
    }

    static func canStartMarker(_ characters: [Character], at index: Int) -> Bool {
        guard index > 0 else { return true }
        let previous = characters[index - 1]
        return !(previous.isLetter || previous.isNumber || previous == "_" || previous == ")" || previous == "'")
    }

    /// A citation marker starting at `start`: its numbers and the index after it.
    static func marker(_ characters: [Character], at start: Int) -> ([Int], Int)? {
        var index = start + 1
        var body = ""
        while index < characters.count, index - start < 24, characters[index] != "]" {
            body.append(characters[index])
            index += 1
        }
        guard index < characters.count, characters[index] == "]", !body.isEmpty,
              body.allSatisfy({ $0.isNumber || $0 == "," || $0 == " " || $0 == "-" || $0 == "–" }),
              body.contains(where: \.isNumber) else { return nil }
        var numbers: [Int] = []
        for part in body.split(separator: ",") {
            let range = part.split(whereSeparator: { $0 == "-" || $0 == "–" })
                .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if range.contains(0) { return nil }  // citations are numbered from 1
            if range.count == 2, range[0] <= range[1], range[1] - range[0] < 20 {
                numbers.append(contentsOf: range[0]...range[1])
            } else if range.count == 1 {
                numbers.append(range[0])
            } else {
                return nil
            }
        }
        return (numbers, index + 1)
    }

    static func endsWithAbbreviation(_ text: String) -> Bool {
        let trimmed = text.dropLast()
        let lastWord = trimmed.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == "\n" }).last.map(String.init) ?? ""
        if lastWord.count == 1, lastWord.first?.isLetter == true { return true }  // initials, "p."
        let lowered = lastWord.lowercased()
        return abbreviations.contains(lowered) || trimmed.lowercased().hasSuffix("et al")
    }

    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }

    static func collapseSpaces(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in text {
            let isSpace = character == " " || character == "\t"
            if isSpace && lastWasSpace { continue }
            result.append(character)
            lastWasSpace = isSpace
        }
        return result.replacingOccurrences(of: " .", with: ".").replacingOccurrences(of: " ,", with: ",")
    }
}
