import CitedCore
import CitedStore

/// Turns a parsed document's blocks into passages: structure first (one heading path per passage),
/// then a token bound from the embedder's tokenizer, with a one-sentence overlap inside long paragraphs.
/// Formulas are split only past `formulaPassages` budgets; code blocks when one alone exceeds the bound (at blank
/// lines, then lines).
public struct Chunker: Sendable {
    /// Bumped whenever passages would come out differently; stamped on documents and vectors.
    public static let version = 1

    public let counter: TokenCounter
    /// Tokens per passage, the tokenizer's special tokens included.
    public let tokenLimit: Int
    /// The longest sentence carried into the next passage as overlap.
    public let overlapLimit: Int
    /// The longest formula kept as one passage, in passage budgets (a long `align` is a few; more is not a formula).
    static let formulaPassages = 8
    /// Tokens the counter adds to any text (`[CLS]`, `[SEP]`).
    private let specialTokens: Int

    public init(counter: TokenCounter, tokenLimit: Int = 256, overlapLimit: Int = 40) {
        self.counter = counter
        self.tokenLimit = tokenLimit
        self.overlapLimit = overlapLimit
        specialTokens = counter.tokenCount("")
    }

    /// A piece of text with its content token count (specials excluded).
    private struct Piece {
        var text: String
        var tokens: Int
        var startLine: Int?
        var endLine: Int?
        var paragraph: Int?
        var label: String?
        var overlap = false
    }

    /// Passages for `document`, ordinals from 0, locators made with `path` for line-based formats.
    public func passages(for document: ParsedDocument, path: String) -> [PassageRecord] {
        let budget = max(8, tokenLimit - specialTokens)
        var passages: [PassageRecord] = []
        var index = 0
        let blocks = document.blocks.filter { !$0.text.isEmpty }
        while index < blocks.count {
            // One group: consecutive blocks under the same heading path.
            let heading = blocks[index].headingPath
            var pieces: [Piece] = []
            while index < blocks.count, blocks[index].headingPath == heading {
                pieces.append(contentsOf: split(blocks[index], budget: budget))
                index += 1
            }
            var current: [Piece] = []
            var used = 0
            func flush() {
                guard current.contains(where: { !$0.overlap }) else { current = []; used = 0; return }
                passages.append(makePassage(current, heading: heading, document: document, path: path,
                                            ordinal: passages.count))
                // Carry the last sentence over when it is short and prose.
                if let last = current.last, last.tokens <= overlapLimit, last.paragraph != nil || document.locatorStyle != .lines,
                   !last.overlap, last.label == "sentence" {
                    var carried = last
                    carried.overlap = true
                    current = [carried]
                    used = carried.tokens
                } else {
                    current = []
                    used = 0
                }
            }
            for piece in pieces {
                if used + piece.tokens > budget, !current.isEmpty {
                    flush()
                    if used + piece.tokens > budget { current = []; used = 0 }
                }
                current.append(piece)
                used += piece.tokens
            }
            flush()
        }
        return passages
    }

    /// Splits one block into pieces that each fit the budget (formulas stay whole regardless).
    private func split(_ block: Block, budget: Int) -> [Piece] {
        func whole(_ tokens: Int) -> Piece {
            Piece(text: block.text, tokens: tokens, startLine: block.startLine, endLine: block.endLine,
                  paragraph: block.paragraph, label: block.label)
        }
        switch block.kind {
        case .formula:
            // Whole up to `formulaPassages` passages' worth; past that (an unclosed `$$` or `\[` swallowing the
            // rest of a file) it is split at lines like code, so no passage grows with the file.
            let tokens = contentTokens(block.text)
            return tokens <= budget * Chunker.formulaPassages ? [whole(tokens)] : splitCode(block, budget: budget)
        case .code:
            let tokens = contentTokens(block.text)
            return tokens <= budget ? [whole(tokens)] : splitCode(block, budget: budget)
        case .paragraph:
            if block.text.utf8.count > Chunker.maxParagraphBytes {
                // One huge paragraph (an abstract of a million inline elements, a `<p>` of 30 MB): cut at spaces
                // first, so sentence and word splitting hold one slice at a time, not a substring per word.
                return Chunker.slices(block.text, maxBytes: Chunker.maxParagraphBytes).flatMap { slice in
                    var part = block
                    part.text = slice
                    return split(part, budget: budget)
                }
            }
            if block.text.utf8.count <= budget {
                // Short (a token spans at least one byte): most likely one piece as it is.
                let tokens = contentTokens(block.text)
                if tokens <= budget { return [whole(tokens)] }
            }
            // Sentences join at single spaces, where the tokenizer splits anyway (as `makePassage` assumes):
            // the block's count is the sum of its sentences', so each sentence is counted once.
            let sentences = Chunker.sentences(block.text).map { (text: $0, tokens: contentTokens($0)) }
            let tokens = sentences.reduce(0) { $0 + $1.tokens }
            if tokens <= budget { return [whole(tokens)] }
            var pieces: [Piece] = []
            for sentence in sentences {
                if sentence.tokens <= budget {
                    pieces.append(Piece(text: sentence.text, tokens: sentence.tokens, startLine: block.startLine,
                                        endLine: block.endLine, paragraph: block.paragraph, label: "sentence"))
                } else {
                    pieces.append(contentsOf: splitWords(sentence.text, budget: budget).map {
                        Piece(text: $0.text, tokens: $0.tokens, startLine: block.startLine, endLine: block.endLine,
                              paragraph: block.paragraph)
                    })
                }
            }
            return pieces
        }
    }

    /// Bytes of a paragraph split at once; longer ones are cut into slices of about this size first.
    static let maxParagraphBytes = 64 << 10

    /// `text` cut into slices of at most about `maxBytes` UTF-8 bytes, at the last space before the bound when
    /// there is one (else at a character boundary).
    static func slices(_ text: String, maxBytes: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while rest.utf8.count > maxBytes {
            var cut = rest.utf8.index(rest.utf8.startIndex, offsetBy: maxBytes)
            while rest.utf8[cut] & 0xC0 == 0x80 {  // not inside a scalar
                cut = rest.utf8.index(before: cut)
            }
            let head = rest[..<cut]
            if let space = head.lastIndex(of: " "), space > head.startIndex { cut = space }
            out.append(String(rest[..<cut]))
            rest = rest[cut...].drop { $0 == " " }
        }
        if !rest.isEmpty { out.append(String(rest)) }
        return out
    }

    /// An oversized code block: whole lines, grouped up to the budget, preferring blank-line breaks.
    private func splitCode(_ block: Block, budget: Int) -> [Piece] {
        let lines = block.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var pieces: [Piece] = []
        var buffer: [String] = []
        var used = 0
        var firstLine = block.startLine
        var lineNumber = block.startLine
        func emit() {
            guard !buffer.isEmpty else { return }
            let text = buffer.joined(separator: "\n")
            let end = lineNumber.map { $0 - 1 }
            pieces.append(Piece(text: text, tokens: contentTokens(text), startLine: firstLine, endLine: end,
                                paragraph: block.paragraph, label: block.label))
            buffer = []
            used = 0
            firstLine = lineNumber
        }
        for line in lines {
            let count = contentTokens(line)
            if used + count > budget { emit() }
            if count > budget {
                // A single line longer than the budget: words, as a last resort.
                for part in splitWords(line, budget: budget) {
                    pieces.append(Piece(text: part.text, tokens: part.tokens, startLine: lineNumber, endLine: lineNumber,
                                        paragraph: block.paragraph, label: block.label))
                }
                lineNumber = lineNumber.map { $0 + 1 }
                firstLine = lineNumber
                continue
            }
            buffer.append(line)
            used += count
            lineNumber = lineNumber.map { $0 + 1 }
        }
        emit()
        return pieces
    }

    /// Greedy word groups under the budget (a word longer than the budget is cut by characters).
    private func splitWords(_ text: String, budget: Int) -> [(text: String, tokens: Int)] {
        var out: [(String, Int)] = []
        var current: [Substring] = []
        var used = 0
        for word in text.split(separator: " ") {
            var count = contentTokens(String(word))
            var word = word
            if count > budget {
                let (cuts, rest, restCount) = cutLongWord(word, count: count, budget: budget)
                out.append(contentsOf: cuts)
                word = rest
                count = restCount
            }
            if used + count > budget, !current.isEmpty {
                let joined = current.joined(separator: " ")
                out.append((joined, contentTokens(joined)))
                current = []
                used = 0
            }
            if !word.isEmpty {
                current.append(word)
                used += count
            }
        }
        if !current.isEmpty {
            let joined = current.joined(separator: " ")
            out.append((joined, contentTokens(joined)))
        }
        return out
    }

    /// Cuts a word of more than `budget` tokens into pieces under the budget, leaving a tail under it.
    /// Linear in the word's length: each cut is counted once, and the tail is re-counted only when the
    /// running estimate (the word's count minus its cuts') falls under the budget.
    private func cutLongWord(_ word: Substring, count: Int, budget: Int)
        -> (cuts: [(String, Int)], rest: Substring, restCount: Int) {
        var cuts: [(String, Int)] = []
        var rest = word
        var characters = word.count
        var estimate = count
        while estimate > budget, characters > 1 {
            // Characters per token of what is left, so a cut of that many characters fits the budget.
            var length = max(1, min(characters - 1, characters * budget / max(estimate, 1) - 1))
            var cut = rest.prefix(length)
            var tokens = contentTokens(String(cut))
            while tokens > budget, length > 1 {
                length = max(1, min(length - 1, length * budget / tokens - 1))
                cut = rest.prefix(length)
                tokens = contentTokens(String(cut))
            }
            cuts.append((String(cut), tokens))
            rest = rest.dropFirst(length)
            characters -= length
            estimate -= tokens
            if estimate <= budget { estimate = contentTokens(String(rest)) }
        }
        return (cuts, rest, characters > 0 ? estimate : 0)
    }

    private func contentTokens(_ text: String) -> Int {
        max(0, counter.tokenCount(text) - specialTokens)
    }

    private func makePassage(_ pieces: [Piece], heading: [String], document: ParsedDocument, path: String,
                             ordinal: Int) -> PassageRecord {
        let separator = document.locatorStyle == .lines && pieces.contains(where: { $0.label != "sentence" }) ? "\n\n" : " "
        var text = ""
        var previousParagraph: Int? = nil
        for (i, piece) in pieces.enumerated() {
            if i > 0 {
                let sameParagraph = piece.paragraph != nil && piece.paragraph == previousParagraph
                    && piece.label == "sentence"
                text += sameParagraph ? " " : separator
            }
            text += piece.text
            previousParagraph = piece.paragraph
        }
        let startLine = pieces.compactMap(\.startLine).min()
        let endLine = pieces.compactMap(\.endLine).max()
        let paragraphs = pieces.compactMap(\.paragraph)
        let label = pieces.compactMap(\.label).first { $0 != "sentence" }
        let locator: String
        switch document.locatorStyle {
        case .abstract:
            if heading.count > 1 {
                locator = "\(heading[0]) §\(heading.dropFirst().joined(separator: " › "))"
            } else {
                locator = heading.first ?? "Abstract"
            }
        case .sectionParagraph:
            let section = heading.isEmpty ? "" : "§\(heading.joined(separator: " › "))"
            var para = ""
            if let first = paragraphs.min(), let last = paragraphs.max() {
                para = first == last ? "¶\(first)" : "¶\(first)–\(last)"
            }
            locator = [section, para].filter { !$0.isEmpty }.joined(separator: " ")
        case .lines:
            var where_ = path
            if let start = startLine { where_ += ":\(start)-\(endLine ?? start)" }
            if let name = label ?? heading.last, !name.isEmpty { where_ += " (\(name))" }
            locator = where_
        }
        // Pieces join at whitespace, where WordPiece splits anyway: the count is the sum plus the specials.
        let tokens = pieces.reduce(specialTokens) { $0 + $1.tokens }
        return PassageRecord(ordinal: ordinal, text: text, headingPath: heading.joined(separator: " > "),
                             locator: locator, startLine: startLine, endLine: endLine, tokenCount: tokens,
                             hasInstructions: InstructionDetector.containsInstruction(text))
    }

    /// Sentence split at `. `, `? `, `! ` followed by an upper-case letter, digit or bracket;
    /// common abbreviations (e.g., i.e., et al., Fig.) and inline math (`$…$`) do not end a sentence.
    public static func sentences(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var out: [String] = []
        var start = 0
        var i = 0
        var inMath = false
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x24, i == 0 || bytes[i - 1] != 0x5C { inMath.toggle() }
            if !inMath, c == 0x2E || c == 0x3F || c == 0x21, i + 2 < bytes.count, bytes[i + 1] == 0x20,
               startsSentence(bytes, at: i + 2), c != 0x2E || !endsWithAbbreviation(bytes, upTo: i) {
                out.append(String(decoding: bytes[start...i], as: UTF8.self))
                start = i + 2
                i += 2
                continue
            }
            i += 1
        }
        if start < bytes.count { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return out.filter { !$0.isEmpty }
    }

    private static func startsSentence(_ bytes: [UInt8], at index: Int) -> Bool {
        let next = bytes[index]
        if next < 0x80 {
            return (next >= 0x41 && next <= 0x5A) || (next >= 0x30 && next <= 0x39) || next == 0x28 || next == 0x5B
                || next == 0x22
        }
        let end = min(bytes.count, index + 4)
        let scalar = String(decoding: bytes[index..<end], as: UTF8.self).unicodeScalars.first
        return scalar?.properties.isUppercase == true
    }

    private static let abbreviations: Set<String> = ["e.g", "i.e", "al", "fig", "figs", "eq", "eqs", "ref", "refs",
                                                     "vs", "approx", "no", "vol", "dr", "mr", "mrs", "ms", "st", "cf",
                                                     "etc", "resp", "sect", "ch", "p", "pp"]

    private static func endsWithAbbreviation(_ bytes: [UInt8], upTo end: Int) -> Bool {
        var j = end - 1
        while j >= 0, bytes[j] != 0x20, bytes[j] != 0x28 { j -= 1 }
        let word = bytes[(j + 1)..<end]
        if word.count == 1, let only = word.first, only >= 0x41, only <= 0x5A { return true } // an initial
        guard word.count <= 6 else { return false }
        let lower = String(decoding: word.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return abbreviations.contains(lower)
    }
}
