import Foundation

/// reStructuredText as Sphinx writes it: section titles by underline style, literal blocks after `::`,
/// code and math directives, and API directives (`function::`, `class::`, …) naming their entries.
struct RSTParser {
    private static let adornment = Set("=-~^\"'`#*+<>:._")
    private static let apiDirectives: Set<String> = ["function", "class", "method", "decorator", "attribute",
        "data", "exception", "classmethod", "staticmethod", "decoratormethod", "module", "describe", "opcode",
        "envvar", "option", "cmdoption", "py:function", "py:class", "py:method", "py:attribute", "autofunction",
        "autoclass", "c:function", "c:macro", "c:type", "c:member", "c:var", "coroutinefunction",
        "coroutinemethod", "abstractmethod", "pdbcommand"]
    private static let codeDirectives: Set<String> = ["code-block", "code", "sourcecode", "doctest", "testcode",
        "testoutput", "productionlist", "highlight-block", "ipython", "plot", "jupyter-execute"]
    private static let skippedDirectives: Set<String> = ["index", "toctree", "sectionauthor", "moduleauthor",
        "highlight", "testsetup", "testcleanup", "currentmodule", "raw", "image", "figure", "include",
        "literalinclude", "only", "autosummary", "automodule", "contents", "tabularcolumns", "impl-detail",
        "audit-event", "availability"]

    private static let admonitions: [String: String] = ["note": "Note:", "warning": "Warning:",
        "seealso": "See also:", "important": "Important:", "tip": "Tip:", "hint": "Hint:", "caution": "Caution:",
        "attention": "Attention:", "danger": "Danger:", "error": "Error:"]

    /// A directive option line (`:linenos:`, `:caption: Example`), not a line that opens with a role
    /// (":meth:`assertNotAlmostEqual` automatically fails …", which is prose).
    static func isOption(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.first == ":", let close = trimmed.dropFirst().firstIndex(of: ":") else { return false }
        let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        let after = trimmed[trimmed.index(after: close)...]
        return !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            && (after.isEmpty || after.first == " ")
    }

    /// The text Sphinx puts before a prose directive's body, so that "3.5" reads as a version, not as a value:
    /// `.. versionchanged:: 3.5` → "Changed in version 3.5:", `.. note::` → "Note:".
    static func lead(directive: String, argument: String) -> String {
        let words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let version = words.first ?? ""
        let rest = words.dropFirst().joined(separator: " ")
        func led(_ head: String) -> String { rest.isEmpty ? head : head + " " + rest }
        switch directive {
        case "versionadded" where !version.isEmpty: return led("New in version \(version).")
        case "versionchanged" where !version.isEmpty: return led("Changed in version \(version):")
        case "deprecated" where !version.isEmpty: return led("Deprecated since version \(version):")
        case "deprecated-removed" where words.count >= 2:
            let tail = words.dropFirst(2).joined(separator: " ")
            let head = "Deprecated since version \(words[0]), will be removed in version \(words[1]):"
            return tail.isEmpty ? head : head + " " + tail
        default:
            guard let head = admonitions[directive] else { return argument }
            return argument.isEmpty ? head : head + " " + argument
        }
    }

    func parse(_ lines: [String]) throws -> (String?, [Block]) {
        var builder = BlockBuilder()
        var styles: [String] = []
        var i = 0
        var literalNext = false
        var apiIndent: Int? = nil
        func indent(_ line: String) -> Int { line.prefix(while: { $0 == " " }).count }
        func isAdornment(_ line: String) -> Bool {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.count >= 3, let c = t.first, RSTParser.adornment.contains(c) else { return false }
            return t.allSatisfy { $0 == c } && line.first == c
        }
        /// Lines after `i` that are blank or indented deeper than `base`.
        func indentedBlock(from start: Int, base: Int) -> (lines: [String], next: Int) {
            var j = start
            var body: [String] = []
            while j < lines.count {
                let l = lines[j]
                if l.trimmingCharacters(in: .whitespaces).isEmpty || indent(l) > base { body.append(l); j += 1 } else { break }
            }
            while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast(); j -= 1 }
            let common = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(indent).min() ?? 0
            return (body.map { String($0.dropFirst(min(common, indent($0)))) }, j)
        }
        while i < lines.count, !builder.overflowed {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let number = i + 1
            if let base = apiIndent, !trimmed.isEmpty, indent(line) <= base {
                builder.flush()
                builder.label = nil
                apiIndent = nil
            }
            // Section title: [overline] text underline.
            if isAdornment(line), i + 2 < lines.count, !lines[i + 1].trimmingCharacters(in: .whitespaces).isEmpty,
               isAdornment(lines[i + 2]), lines[i + 2].first == line.first {
                let style = "o" + String(line.first!)
                if !styles.contains(style) { styles.append(style) }
                builder.heading(lines[i + 1].trimmingCharacters(in: .whitespaces), level: styles.firstIndex(of: style)! + 1)
                i += 3
                continue
            }
            if !trimmed.isEmpty, indent(line) == 0, i + 1 < lines.count, isAdornment(lines[i + 1]),
               lines[i + 1].count >= trimmed.count, !isAdornment(line) {
                let style = "u" + String(lines[i + 1].first!)
                if !styles.contains(style) { styles.append(style) }
                builder.heading(trimmed, level: styles.firstIndex(of: style)! + 1)
                i += 2
                continue
            }
            // Directives and comments.
            if trimmed.hasPrefix(".. ") {
                builder.flush()
                let rest = trimmed.dropFirst(3)
                if let range = rest.range(of: "::") {
                    let name = rest[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                    let argument = rest[range.upperBound...].trimmingCharacters(in: .whitespaces)
                    let base = indent(line)
                    if RSTParser.apiDirectives.contains(name) {
                        // The entry's name labels the text below it, e.g. `lru_cache`.
                        var entry = argument.prefix(while: { $0 != "(" && $0 != " " && $0 != "[" })
                        if let dot = entry.lastIndex(of: ".") { entry = entry[entry.index(after: dot)...] }
                        builder.label = String(entry.isEmpty ? argument[...] : entry)
                        apiIndent = base
                        builder.add(argument, number: number)
                        builder.flush()
                        i += 1
                        // Options (":param x:") and body follow as ordinary indented text.
                        continue
                    }
                    // Only for directives whose body is consumed here (an API entry's body is read line by line
                    // after it: scanning it here too cost a pass over the rest of the file per nested entry).
                    let (body, next) = indentedBlock(from: i + 1, base: base)
                    if RSTParser.codeDirectives.contains(name) {
                        let code = body.filter { !RSTParser.isOption($0) }
                        builder.block(.code, code.joined(separator: "\n"), from: number, to: next)
                    } else if name == "math" {
                        let math = ([argument] + body.filter { !RSTParser.isOption($0) }).joined(separator: "\n")
                        builder.block(.formula, math, from: number, to: next)
                    } else if RSTParser.skippedDirectives.contains(name) || name.hasPrefix("|") {
                        // nothing to keep
                    } else {
                        // Admonitions, versionadded, …: their text is prose, led by the words Sphinx shows.
                        var text = RSTParser.lead(directive: name, argument: argument)
                        for b in body where !RSTParser.isOption(b) { text += " " + b }
                        builder.block(.paragraph, text, from: number, to: max(number, next))
                    }
                    i = max(next, i + 1)
                    continue
                }
                // A comment or a link target: skip its indented body.
                let (_, next) = indentedBlock(from: i + 1, base: indent(line))
                i = max(next, i + 1)
                continue
            }
            if trimmed.isEmpty {
                builder.flush()
                if literalNext {
                    // Literal block: the indented lines after a paragraph ending in "::".
                    var j = i + 1
                    while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
                    let base = j > 0 ? indent(lines[max(0, i - 1)]) : 0
                    if j < lines.count, indent(lines[j]) > base {
                        let (body, next) = indentedBlock(from: j, base: base)
                        builder.block(.code, body.joined(separator: "\n"), from: j + 1, to: next)
                        i = next
                        literalNext = false
                        continue
                    }
                    literalNext = false
                }
                i += 1
                continue
            }
            // Doctest blocks.
            if trimmed.hasPrefix(">>> ") {
                builder.flush()
                var j = i
                var body: [String] = []
                while j < lines.count, !lines[j].trimmingCharacters(in: .whitespaces).isEmpty { body.append(lines[j]); j += 1 }
                builder.block(.code, body.joined(separator: "\n"), from: number, to: j)
                i = j
                continue
            }
            builder.add(trimmed.hasSuffix("::") ? String(trimmed.dropLast(trimmed.hasSuffix(" ::") ? 3 : 1)) : trimmed,
                        number: number)
            if trimmed.hasSuffix("::") { literalNext = true }
            i += 1
        }
        builder.flush()
        if builder.overflowed { throw BlockBuilder.TooMuchText() }
        return (builder.title, builder.blocks)
    }
}
