import Foundation

/// CommonMark-ish Markdown: ATX and setext headings, fenced code, `$$` display math, paragraphs.
struct MarkdownParser {
    /// True when the text has display math or at least two inline `$…$` spans.
    static func hasMath(_ text: String) -> Bool {
        if text.contains("$$") || text.contains("\\begin{equation") || text.contains("\\(") { return true }
        // Counted, stopping at the fourth: splitting a page of `$ $ $ …` made one substring per sign (GBs).
        var signs = 0
        for byte in text.utf8 where byte == UInt8(ascii: "$") {
            signs += 1
            if signs >= 4 { return true }
        }
        return false
    }

    func parse(_ lines: [String]) throws -> (String?, [Block]) {
        var builder = BlockBuilder()
        var i = 0
        while i < lines.count, !builder.overflowed {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let number = i + 1
            // Fenced code (``` or ~~~), MyST directives included.
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let fence = String(trimmed.prefix(while: { $0 == "`" || $0 == "~" }))
                var body: [String] = []
                var j = i + 1
                while j < lines.count, !lines[j].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                    body.append(lines[j]); j += 1
                }
                let info = trimmed.dropFirst(fence.count)
                let isMath = info.hasPrefix("{math}") || info.hasPrefix("math")
                builder.block(isMath ? .formula : .code, body.joined(separator: "\n"), from: number, to: min(j + 1, lines.count))
                i = j + 1
                continue
            }
            // Display math: $$ … $$ (possibly on one line).
            if trimmed.hasPrefix("$$") {
                var body = [line]
                var j = i
                if !(trimmed.count > 2 && trimmed.dropFirst(2).contains("$$")) {
                    j = i + 1
                    while j < lines.count, !lines[j].contains("$$") { body.append(lines[j]); j += 1 }
                    if j < lines.count { body.append(lines[j]) }
                }
                builder.block(.formula, body.joined(separator: "\n"), from: number, to: min(j + 1, lines.count))
                i = j + 1
                continue
            }
            // ATX heading.
            if trimmed.hasPrefix("#") {
                let level = trimmed.prefix(while: { $0 == "#" }).count
                let rest = trimmed.dropFirst(level)
                if level <= 6, rest.isEmpty || rest.first == " " {
                    let text = rest.trimmingCharacters(in: CharacterSet(charactersIn: " #"))
                    builder.heading(text, level: level)
                    i += 1
                    continue
                }
            }
            // Setext heading: a paragraph line followed by === or ---.
            if i + 1 < lines.count, !trimmed.isEmpty {
                let next = lines[i + 1].trimmingCharacters(in: .whitespaces)
                if next.count >= 3, next.allSatisfy({ $0 == "=" }) || next.allSatisfy({ $0 == "-" }) {
                    builder.flush()
                    builder.heading(trimmed, level: next.first == "=" ? 1 : 2)
                    i += 2
                    continue
                }
            }
            // Indented code (4 spaces) after a blank line.
            if line.hasPrefix("    "), i > 0, lines[i - 1].trimmingCharacters(in: .whitespaces).isEmpty {
                var body: [String] = []
                var j = i
                while j < lines.count, lines[j].hasPrefix("    ") || lines[j].trimmingCharacters(in: .whitespaces).isEmpty {
                    body.append(String(lines[j].dropFirst(min(4, lines[j].count)))); j += 1
                }
                builder.block(.code, body.joined(separator: "\n"), from: number, to: j)
                i = j
                continue
            }
            if trimmed.isEmpty {
                builder.flush()
            } else if trimmed.hasPrefix("(") && trimmed.hasSuffix(")=") {
                builder.flush() // MyST target label
            } else {
                builder.add(line, number: number)
            }
            i += 1
        }
        builder.flush()
        if builder.overflowed { throw BlockBuilder.TooMuchText() }
        return (builder.title, builder.blocks)
    }
}
