import Foundation

/// The checkable facts of a sentence: numbers (doses, rates, years) and identifiers (gene symbols,
/// acronyms, code names). Every one of them must appear in a passage the sentence cites.
public struct KeyTerms: Equatable, Sendable {
    public var numbers: [String]
    public var identifiers: [String]

    public var all: [String] { numbers + identifiers }

    public static func extract(_ text: String) -> KeyTerms {
        var numbers: [String] = []
        var identifiers: [String] = []
        let words = tokens(text)
        for (index, token) in words.enumerated() {
            if let number = normalizedNumber(unitJoined(token) ?? token) {
                numbers.append(number)
            } else if isIdentifier(token) {
                identifiers.append(token.lowercased())
                // Only as written side by side: "CETP [250 (232-263)" gives CETP a value, not a name.
                if let numbered = numberedName(token, words[(index + 1)...]),
                   text.contains(token + " " + words[index + 1]) {
                    identifiers.append(numbered)
                }
            }
        }
        identifiers += codeNames(text)
        return KeyTerms(numbers: SentenceSplitter.unique(numbers), identifiers: Array(Set(identifiers)).sorted())
    }

    /// Units after a number: "DAPT 12 months" is a duration, not a trial called "DAPT 12".
    static let units: Set<String> = [
        "h", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "mg", "g", "kg",
        "ml", "l", "mm", "cm", "patients", "participants", "times", "doses", "cycles",
    ]

    /// A trial or version named by an acronym and a number ("GRECCAR 3", "SPRINT 2"): the pair, lowercased and
    /// joined by a space, is a name of its own; "GRECCAR 2" does not back it.
    static func numberedName(_ token: String, _ following: ArraySlice<String>) -> String? {
        guard token.count >= 4, token.allSatisfy({ $0.isLetter && $0.isUppercase }),
              !shoutedWords.contains(token), let number = following.first,
              (1...3).contains(number.count), number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber),
              following.dropFirst().first.map({ units.contains($0.lowercased()) }) != true else { return nil }
        return token.lowercased() + " " + number
    }

    /// Names written as code, in backticks: `` `weakref` ``, `` `heapq.nsmallest()` ``, `` `@cache` ``. Marking a
    /// word as code claims it is a name of the documented API, so it must appear in the source like any other.
    static func codeNames(_ text: String) -> [String] {
        let spans = text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map(\.element)
        return spans.compactMap { span in
            var name = span.trimmingCharacters(in: .whitespaces)
            while name.hasSuffix("()") { name.removeLast(2) }
            name = String(name.drop { $0 == "@" || $0 == ":" || $0 == "." })
            guard name.filter(\.isLetter).count >= 2, let first = name.first, first.isLetter || first == "_",
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
            return name.lowercased()
        }
    }

    /// Words of a text, split on spaces and on punctuation that cannot be inside a number or a name.
    static func tokens(_ text: String) -> [String] {
        untrimmedTokens(text).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".-–")) }.filter { !$0.isEmpty }
    }

    /// The numbers a text writes with a minus sign ("SMD -0.64", "rho = −0.30"), as `normalizedNumber` gives them
    /// (unsigned). A sign a sentence writes must be its source's: "-0.64" is not backed by "0.64".
    static func negatives(_ text: String) -> [String] {
        untrimmedTokens(text).compactMap { token in
            guard token.hasPrefix("-"), token.dropFirst().first?.isNumber == true else { return nil }
            return normalizedNumber(String(token.dropFirst()).trimmingCharacters(in: CharacterSet(charactersIn: ".-–")))
        }
    }

    /// `tokens` before their edges are trimmed: a leading "-" is still there.
    private static func untrimmedTokens(_ text: String) -> [Substring] {
        // Thousands separators are part of the number: "1,000" is one token; "2·61" (a raised decimal point,
        // as some journals print it) is 2.61; the minus sign "−" is a hyphen-minus.
        let text = text.replacingOccurrences(of: #"(?<=\d),(?=\d{3}\b)"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"(?<=\d)·(?=\d)"#, with: ".", options: .regularExpression)
            .replacingOccurrences(of: "\u{2212}", with: "-")
        return text.split(whereSeparator: { $0.isWhitespace || "\"'“”‘’,;:!?()[]{}<>=+*/|`$\\".contains($0) })
    }

    /// `45`, `2.5`, `1,000` → `1000`, `30%` → `30`, `100th` → `100`, `~15` and `≥3.65` → `15` and `3.65`; nil
    /// for anything else.
    static func normalizedNumber(_ token: String) -> String? {
        var body = token.drop { "~≈≥≤".contains($0) }
        while let last = body.last, "%‰°".contains(last) { body = body.dropLast() }
        for suffix in ["st", "nd", "rd", "th"] where body.count > 2 && body.hasSuffix(suffix)
            && body.dropLast(2).allSatisfy(\.isNumber) {
            body = body.dropLast(2)
        }
        let cleaned = body.replacingOccurrences(of: ",", with: "")
        guard !cleaned.isEmpty, cleaned.first!.isNumber, cleaned.allSatisfy({ $0.isNumber || $0 == "." }),
              cleaned.filter({ $0 == "." }).count <= 1 else { return nil }
        return cleaned
    }

    /// The number of a number joined to a short lowercase unit: "3-month" → "3", "1.46-fold" → "1.46" (as
    /// "3 months", "1.46 times"); nil otherwise: "5-FU" and "5-fluorouracil" are names.
    static func unitJoined(_ token: String) -> String? {
        token.range(of: #"^\d+(\.\d+)?(?=[-–][a-z]{1,7}$)"#, options: .regularExpression).map { String(token[$0]) }
    }

    /// The ranges a text writes as one token ("7.57-8.79", "0.72–2.22"): their two ends, in order.
    static func ranges(_ text: String) -> [(String, String)] {
        tokens(text).compactMap { token in
            let ends = token.split(whereSeparator: { "-–".contains($0) }).map(String.init)
            guard ends.count == 2, let low = normalizedNumber(ends[0]), let high = normalizedNumber(ends[1]) else { return nil }
            return (low, high)
        }
    }

    /// Plain words a model writes in capitals ("YES, SymPy can…"): not names a source must contain.
    static let shoutedWords: Set<String> = [
        "YES", "NO", "NOT", "NOTE", "OK", "AND", "OR", "BUT", "IF", "ALL", "ANY", "ONLY", "NEVER", "ALWAYS",
        "IMPORTANT", "WARNING", "TRUE", "FALSE", "NONE", "THE", "AN",
    ]

    /// Gene symbols and acronyms (`BRCA1`, `IL-6`, `COVID-19`), code names (`lru_cache`,
    /// `functools.partial`, `isPrime`), and anything mixing letters and digits (`Q4_K`, `H2O2`).
    static func isIdentifier(_ token: String) -> Bool {
        let letters = token.filter(\.isLetter)
        guard letters.count >= 2 else { return false }
        if token.contains("_") { return true }
        if token.contains("."), token.split(separator: ".").allSatisfy({ $0.first?.isLetter == true }) { return true }
        let uppercase = letters.filter(\.isUppercase).count
        if uppercase >= 2, uppercase * 2 >= letters.count {  // acronyms, gene symbols; not a shouted word
            return !shoutedWords.contains(token.uppercased())
        }
        if token.contains(where: \.isNumber) { return true }
        // camelCase: a lowercase letter followed by an uppercase one.
        let characters = Array(token)
        return zip(characters, characters.dropFirst()).contains { $0.isLowercase && $1.isUppercase }
    }
}

/// Text normalised for containment checks: lowercased, punctuation spaced out, numbers without commas.
struct SearchableText {
    let lowered: String
    let numbers: Set<String>
    let stems: Set<String>

    /// Where the text comes from (title, path, section), lowercased: a module is often named only there (the
    /// `heapq` page writes `nsmallest`, the `functools` page `lru_cache`).
    let context: String

    init(_ text: String, context: String = "") {
        lowered = text.lowercased()
        // A number joined to its unit counts: "3-month" states 3 ("3 months"), "10-mg" 10. The ends of a range do
        // not ("95% CI 3-16" does not state a 3 on its own).
        numbers = Set(KeyTerms.tokens(text).map { token in
            token.range(of: #"^\d+(\.\d+)?(?=[-–][A-Za-z]+$)"#, options: .regularExpression).map { String(token[$0]) } ?? token
        }.compactMap(KeyTerms.normalizedNumber))
        stems = Set(ContentWords.stems(of: text))
        self.context = context.lowercased()
        ranges = KeyTerms.ranges(text)
        sequence = KeyTerms.tokens(text).compactMap(KeyTerms.normalizedNumber)
        negatives = Set(KeyTerms.negatives(text).compactMap(Double.init))
    }

    /// The values of the numbers the text writes with a minus sign.
    let negatives: Set<Double>

    /// Whether the text writes `number` with a minus sign, as the sentence does.
    func contains(negative number: String) -> Bool { Double(number).map(negatives.contains) ?? false }

    /// Numbers written as a range, "8.79-7.57" or "0.72–2.22", in the text's order.
    let ranges: [(String, String)]
    /// The numbers the text writes on their own, in its order.
    let sequence: [String]

    /// Whether the text gives the range `low`-`high` in that order: as a range, or as two numbers ("from 8.79 to
    /// 7.57", "0.79 to 0.88"). "7.57-8.79" is not "8.79-7.57": the order says which visit had which score.
    func backs(range low: String, _ high: String) -> Bool {
        let same = Entailment.Binding.same
        if ranges.contains(where: { same($0.0, low) && same($0.1, high) }) { return true }
        guard let first = sequence.firstIndex(where: { same($0, low) }) else { return false }
        return sequence[(first + 1)...].contains { same($0, high) }
    }

    /// Whether the text backs `number` as the sentence (its `tokens`) states it, beyond `contains(number:)`:
    /// - as one end of a range the sentence gives both ends of, in the same order ("from 8.79 to 7.57" for
    ///   "8.79-7.57"; a confidence interval's end alone is still not a finding);
    /// - as a name the context (the title) writes with the same word before it ("type 2" diabetes).
    func backs(number: String, sentence tokens: [String]) -> Bool {
        let numbers = tokens.map { KeyTerms.normalizedNumber(KeyTerms.unitJoined($0) ?? $0) }
        func position(_ value: String) -> Int? {
            numbers.firstIndex { $0 != nil && ($0 == value || Double($0!) == Double(value)) }
        }
        if let here = position(number), ranges.contains(where: { low, high in
            if Double(low) == Double(number), let other = position(high) { return here < other }
            if Double(high) == Double(number), let other = position(low) { return other < here }
            return false
        }) {
            return true
        }
        return tokens.indices.dropFirst().contains { index in
            numbers[index].map { Double($0) == Double(number) } == true && tokens[index - 1].first?.isLetter == true
                && context.range(of: #"(?<![\w.])"# + NSRegularExpression.escapedPattern(
                    for: tokens[index - 1].lowercased() + " " + tokens[index]) + #"(?![\w.])"#,
                    options: .regularExpression) != nil
        }
    }

    func contains(number: String) -> Bool {
        if numbers.contains(number) { return true }
        // "10 mg" against "10-mg", "1.0" against "1": compare numerically.
        guard let value = Double(number) else { return false }
        return numbers.contains { Double($0) == value }
    }

    /// The name as written, or a dotted name whose last part is in the text as code (`.walk`, `walk(`,
    /// `` `walk` ``: not the verb in "walk a path upwards") and whose qualifiers are words of the text or its
    /// context, unless the text gives that last part to other owners only (`os.walk` does not back `Path.walk`).
    func contains(identifier: String) -> Bool {
        if identifier.contains(" ") {  // "greccar 3", also as "GRECCAR-3" or "GRECCAR3"; not "GRECCAR 30"
            let forms = [identifier, identifier.replacingOccurrences(of: " ", with: "-"),
                         identifier.replacingOccurrences(of: " ", with: "")]
            return forms.contains { form in
                (lowered + " " + context).range(of: NSRegularExpression.escapedPattern(for: form) + #"(?!\d)"#,
                                                options: .regularExpression) != nil
            }
        }
        if lowered.contains(identifier) || !identifier.contains(".") && context.contains(identifier) { return true }
        let parts = identifier.split(separator: ".")
        guard parts.count > 1, let last = parts.last, containsAsCode(last) else { return false }
        let qualifiers = parts.dropLast()
        // The text gives the last part only to another owner that its page names ("os.walk" on the `os` page, where
        // the claim says `Path.walk`): it is another function of the same name. An owner the page does not name is
        // an example's variable ("p.glob" for `Path.glob`).
        let owners = owners(of: last).filter { Self.has(word: Substring($0), in: context) }
        if !owners.isEmpty, !owners.contains(where: { qualifiers.contains(Substring($0)) }) { return false }
        // Each qualifier as a word of its own: "path" in "dirpath" names nothing.
        return qualifiers.allSatisfy { Self.has(word: $0, in: lowered) || Self.has(word: $0, in: context) }
    }

    /// Whether `text` holds `word` standing alone, not inside a longer name.
    static func has(word: Substring, in text: String) -> Bool {
        text.range(of: #"(?<![A-Za-z0-9_])"# + NSRegularExpression.escapedPattern(for: String(word)) + #"(?![A-Za-z0-9_])"#,
                   options: .regularExpression) != nil
    }

    /// The names the text writes right before ".`name`" ("os" in "os.walk(top)").
    func owners(of name: Substring) -> Set<String> {
        let pattern = #"([A-Za-z_][A-Za-z0-9_]*)\."# + NSRegularExpression.escapedPattern(for: String(name)) + #"(?![A-Za-z0-9_])"#
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(lowered.startIndex..., in: lowered)
        return Set(expression.matches(in: lowered, range: range).compactMap { match in
            Range(match.range(at: 1), in: lowered).map { String(lowered[$0]) }
        })
    }

    /// Whether `name` occurs after a dot or backtick, or before an opening parenthesis or a backtick.
    func containsAsCode(_ name: Substring) -> Bool {
        var searchStart = lowered.startIndex
        while let found = lowered.range(of: name, range: searchStart..<lowered.endIndex) {
            let before = found.lowerBound > lowered.startIndex ? lowered[lowered.index(before: found.lowerBound)] : " "
            let after = found.upperBound < lowered.endIndex ? lowered[found.upperBound] : " "
            let wordStart = !(before.isLetter || before.isNumber || before == "_")
            let wordEnd = !(after.isLetter || after.isNumber || after == "_")
            if wordStart && wordEnd && (".`".contains(before) || "(`".contains(after)) { return true }
            searchStart = found.upperBound
        }
        return false
    }
}

/// Content words reduced to 5-letter stems, for overlap between a sentence and a passage.
enum ContentWords {
    static let stopwords: Set<String> = [
        "about", "above", "after", "again", "against", "also", "among", "because", "been", "before", "being",
        "between", "both", "could", "does", "doing", "during", "each", "from", "further", "have", "having", "here",
        "into", "itself", "just", "more", "most", "other", "over", "same", "should", "some", "such", "than", "that",
        "their", "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very",
        "were", "what", "when", "where", "which", "while", "whom", "with", "within", "would", "your", "sources",
        "source", "according", "based", "shows", "showed", "reported", "study", "studies",
    ]

    static func stems(of text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .filter { $0.count >= 4 && !stopwords.contains(String($0)) }
            .map(stem)
    }

    /// A word's stem: its inflection taken off while four letters or more remain ("rates" → "rate", "pushes" →
    /// "push", "pushed", "pushing" → "push"), then its first five letters ("reduced", "reduction" → "reduc").
    /// Without the first step a short word and its plural never met ("rate", "rates" → "rate", "rates").
    static func stem<Word: StringProtocol>(_ word: Word) -> String {
        var word = Substring(word)
        if word.count >= 6, word.hasSuffix("es"), ["sh", "ch", "ss", "x", "z"].contains(where: word.dropLast(2).hasSuffix) {
            word = word.dropLast(2)
        } else if word.count >= 5, word.hasSuffix("s"), !["ss", "us", "is"].contains(where: word.hasSuffix) {
            word = word.dropLast()
        }
        if word.count >= 6, word.hasSuffix("ed") {
            word = word.dropLast(2)
        } else if word.count >= 7, word.hasSuffix("ing") {
            word = word.dropLast(3)
        }
        return String(word.prefix(5))
    }
}
