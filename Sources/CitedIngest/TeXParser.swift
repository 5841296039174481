import Foundation

/// LaTeX notes: sectioning commands, theorem-like environments (whole, labelled by `\label`), display
/// math (`\[…\]`, `$$…$$`, equation/align), verbatim code, and prose paragraphs; `%` comments removed.
struct TeXParser {
    private static let sections = ["part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4,
                                   "paragraph": 5]
    private static let theorems: Set<String> = ["theorem", "lemma", "definition", "proposition", "corollary",
        "proof", "remark", "example", "conjecture", "claim", "exercise", "note", "axiom", "fact"]
    private static let maths: Set<String> = ["equation", "equation*", "align", "align*", "gather", "gather*",
        "multline", "multline*", "eqnarray", "eqnarray*", "displaymath", "math", "flalign", "flalign*"]
    private static let verbatims: Set<String> = ["verbatim", "lstlisting", "minted", "Verbatim", "alltt", "code"]

    func parse(_ lines: [String]) throws -> (String?, [Block]) {
        var builder = BlockBuilder()
        var title: String?
        let hasDocument = lines.contains { $0.contains("\\begin{document}") }
        var inDocument = !hasDocument
        var i = 0
        while i < lines.count, !builder.overflowed {
            let line = TeXParser.stripComment(lines[i])
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let number = i + 1
            if let t = TeXParser.argument(of: "title", in: trimmed) { title = t }
            if !inDocument {
                if trimmed.contains("\\begin{document}") { inDocument = true }
                i += 1
                continue
            }
            if trimmed.contains("\\end{document}") { break }
            // Sectioning.
            if let (name, text) = TeXParser.sectioning(trimmed) {
                builder.heading(text, level: TeXParser.sections[name]! + 1)
                i += 1
                continue
            }
            // Environments kept whole.
            if let env = TeXParser.environment(begin: trimmed) {
                let kind: Block.Kind?
                if TeXParser.theorems.contains(env) || TeXParser.maths.contains(env) { kind = .formula }
                else if TeXParser.verbatims.contains(env) { kind = .code } else { kind = nil }
                if let kind {
                    var body: [String] = [line]
                    var j = i
                    if !trimmed.contains("\\end{\(env)}") {
                        j = i + 1
                        while j < lines.count, !lines[j].contains("\\end{\(env)}") {
                            body.append(kind == .code ? lines[j] : TeXParser.stripComment(lines[j])); j += 1
                        }
                        if j < lines.count { body.append(lines[j]) }
                    }
                    let text = body.joined(separator: "\n")
                    var label = TeXParser.argument(of: "label", in: text)
                    if label == nil, TeXParser.theorems.contains(env) {
                        label = env.prefix(1).uppercased() + env.dropFirst()
                    }
                    builder.block(kind, text, from: number, to: min(j + 1, lines.count), label: label)
                    i = j + 1
                    continue
                }
            }
            // Display math \[ … \] and $$ … $$.
            if trimmed.hasPrefix("\\[") || trimmed.hasPrefix("$$") {
                let close = trimmed.hasPrefix("\\[") ? "\\]" : "$$"
                var body = [line]
                var j = i
                if !trimmed.dropFirst(2).contains(close) {
                    j = i + 1
                    while j < lines.count, !lines[j].contains(close) { body.append(lines[j]); j += 1 }
                    if j < lines.count { body.append(lines[j]) }
                }
                let text = body.joined(separator: "\n")
                builder.block(.formula, text, from: number, to: min(j + 1, lines.count),
                              label: TeXParser.argument(of: "label", in: text))
                i = j + 1
                continue
            }
            if trimmed.isEmpty {
                builder.flush()
            } else if trimmed.hasPrefix("\\label{"), let label = TeXParser.argument(of: "label", in: trimmed) {
                builder.flush()
                builder.label = label
            } else if !(trimmed.hasPrefix("\\begin{") || trimmed.hasPrefix("\\end{") || trimmed == "\\maketitle") {
                builder.add(trimmed, number: number)
            }
            i += 1
        }
        builder.flush()
        if builder.overflowed { throw BlockBuilder.TooMuchText() }
        return (title ?? builder.title, builder.blocks)
    }

    /// The line without its `%` comment (an escaped `\%` stays).
    static func stripComment(_ line: String) -> String {
        guard line.contains("%") else { return line }
        var out = ""
        var previous: Character = " "
        for c in line {
            if c == "%" && previous != "\\" { break }
            out.append(c)
            previous = c
        }
        return out
    }

    /// The braced argument of `\command{…}` (nested braces allowed), if the text has one.
    static func argument(of command: String, in text: String) -> String? {
        guard let range = text.range(of: "\\\(command){") ?? text.range(of: "\\\(command)*{") else { return nil }
        var depth = 1
        var out = ""
        for c in text[range.upperBound...] {
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1; if depth == 0 { return out } }
            out.append(c)
        }
        return nil
    }

    private static func sectioning(_ line: String) -> (String, String)? {
        guard line.hasPrefix("\\") else { return nil }
        for name in sections.keys {
            if line.hasPrefix("\\\(name){") || line.hasPrefix("\\\(name)*{") || line.hasPrefix("\\\(name)[") {
                return (name, argument(of: name, in: line) ?? name)
            }
        }
        return nil
    }

    private static func environment(begin line: String) -> String? {
        guard line.hasPrefix("\\begin{"), let close = line.firstIndex(of: "}") else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: 7)..<close])
    }
}
