/// A short window of a passage around the query's terms, with the matched spans marked.
public struct Snippet: Equatable, Sendable {
    public var text: String
    /// Ranges in `text` that match a query term (whole-token prefix matches, case-insensitive).
    public var highlights: [Range<String.Index>]

    /// The window of at most `width` characters holding the most query terms; words are never cut.
    public init(passage: String, query: String, width: Int = 240) {
        let terms = Set(BM25Query.keywords(query))
        let flat = passage.split(whereSeparator: \.isNewline).joined(separator: " ")
        let words = flat.split(separator: " ", omittingEmptySubsequences: true)
        func hit(_ word: Substring) -> Bool {
            let token = BM25Query.terms(String(word)).first ?? ""
            return !token.isEmpty && terms.contains { token == $0 || (token.hasPrefix($0) && $0.count >= 4) }
        }
        // Slide a window of words no longer than `width`; keep the one with the most hits.
        var best = (start: 0, end: 0, hits: -1)
        var start = 0, length = 0, hits = 0
        let isHit = words.map(hit)
        for end in 0..<words.count {
            length += words[end].count + 1
            if isHit[end] { hits += 1 }
            while length - 1 > width, start < end {
                length -= words[start].count + 1
                if isHit[start] { hits -= 1 }
                start += 1
            }
            if hits > best.hits { best = (start, end + 1, hits) }
        }
        // Grow the best window to the right (then left) while it fits, so short passages show whole.
        if best.hits >= 0 {
            var used = words[best.start..<best.end].reduce(0) { $0 + $1.count + 1 } - 1
            while best.end < words.count, used + words[best.end].count + 1 <= width {
                used += words[best.end].count + 1
                best.end += 1
            }
            while best.start > 0, used + words[best.start - 1].count + 1 <= width {
                used += words[best.start - 1].count + 1
                best.start -= 1
            }
        }
        let chosen = words.isEmpty ? [] : Array(words[best.start..<max(best.end, best.start + 1)])
        var text = chosen.joined(separator: " ")
        if text.count > width { text = String(text.prefix(width)) }
        if best.start > 0 { text = "…" + text }
        if best.end < words.count { text += "…" }
        self.text = text
        var ranges: [Range<String.Index>] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index].isLetter || text[index].isNumber else { index = text.index(after: index); continue }
            var end = index
            while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "-" || text[end] == "_" {
                end = text.index(after: end)
            }
            if hit(text[index..<end]) { ranges.append(index..<end) }
            index = end
        }
        highlights = ranges
    }

    /// The snippet with each highlight wrapped in `open` and `close` (e.g. ANSI bold, or `**`).
    public func marked(open: String, close: String) -> String {
        var out = ""
        var cursor = text.startIndex
        for r in highlights {
            out += text[cursor..<r.lowerBound] + open + text[r] + close
            cursor = r.upperBound
        }
        return out + text[cursor...]
    }
}
