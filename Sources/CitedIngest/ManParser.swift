import Foundation

/// man pages in roff (man macros): `.TH` title, `.SH`/`.SS` headings, `.nf`/`.EX` literal blocks,
/// font macros and the common escapes; other requests end a paragraph.
struct ManParser {
    private var builder = BlockBuilder()
    private var title: String?
    private var literal: [String]? = nil
    private var literalStart = 0
    private var lastLine = 0
    /// A `.so` redirect before any text: the page is an alias, with nothing of its own.
    private var redirected = false

    init() {}

    /// Parses a whole page given as lines.
    func parse(_ lines: [String]) -> (String?, [Block]) {
        var parser = ManParser()
        for (index, line) in lines.enumerated() where !parser.feed(line, number: index + 1) { break }
        return parser.finish()
    }

    /// Takes the next line (1-based `number`); false when the rest of the page does not matter (a `.so` alias).
    /// Lines can be streamed: nothing but the open paragraph or literal block is kept.
    mutating func feed(_ raw: String, number: Int) -> Bool {
        lastLine = number
        if overflowed { return false }
        if raw.isEmpty {
            if literal != nil { literal!.append("") } else { builder.flush() }
            return true
        }
        if raw.hasPrefix(".\\\"") || raw.hasPrefix("'\\\"") || raw.hasPrefix("\\\"") { return true }
        if raw.hasPrefix(".so ") && builder.blocks.isEmpty {
            redirected = true
            return false
        }
        if raw.hasPrefix(".") || raw.hasPrefix("'") {
            let parts = ManParser.arguments(String(raw.dropFirst()))
            let request = parts.first ?? ""
            let args = Array(parts.dropFirst())
            if literal != nil {
                if request == "fi" || request == "EE" {
                    builder.block(.code, literal!.joined(separator: "\n"), from: literalStart, to: number)
                    literal = nil
                } else if ["B", "I", "BR", "IR", "RB", "RI", "BI", "IB", "SM", "SB"].contains(request) {
                    literal!.append(ManParser.unescape(args.joined(separator: request.count == 2 ? "" : " ")))
                }
                return true
            }
            switch request {
            case "TH":
                if let name = args.first {
                    title = args.count > 1 ? "\(ManParser.unescape(name))(\(args[1]))" : ManParser.unescape(name)
                }
            case "SH":
                builder.heading(ManParser.unescape(args.joined(separator: " ")), level: 1)
            case "SS":
                builder.heading(ManParser.unescape(args.joined(separator: " ")), level: 2)
            case "nf", "EX":
                builder.flush()
                literal = []
                literalStart = number + 1
            case "B", "I", "SM", "SB":
                builder.add(ManParser.unescape(args.joined(separator: " ")), number: number)
            case "BR", "IR", "RB", "RI", "BI", "IB":
                builder.add(ManParser.unescape(args.joined()), number: number)
            case "TP", "IP", "PP", "LP", "P", "HP", "sp", "br", "RS", "RE", "TQ", "in", "ti":
                builder.flush()
                if request == "IP", let tag = args.first, !tag.isEmpty { builder.add(ManParser.unescape(tag), number: number) }
            default:
                break
            }
            return true
        }
        if literal != nil {
            builder.textBytes += raw.utf8.count + 16
            literal!.append(ManParser.unescape(raw))
        } else if raw.trimmingCharacters(in: .whitespaces).isEmpty {
            builder.flush()
        } else {
            builder.add(ManParser.unescape(raw), number: number)
        }
        return true
    }

    /// Whether the page outgrew `BlockBuilder.maxTextBytes` (feeding stopped).
    var overflowed: Bool { builder.overflowed }

    /// The page's title and blocks once every line is fed.
    mutating func finish() -> (String?, [Block]) {
        if redirected { return (nil, []) }
        if let literal { builder.block(.code, literal.joined(separator: "\n"), from: literalStart, to: lastLine) }
        literal = nil
        builder.flush()
        return (title ?? builder.title, builder.blocks)
    }

    /// Request arguments: space-separated, double quotes group.
    static func arguments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for c in text {
            if c == "\"" { quoted.toggle(); started = true; continue }
            if c == " " && !quoted {
                if started { out.append(current); current = ""; started = false }
                continue
            }
            current.append(c)
            started = true
        }
        if started { out.append(current) }
        return out
    }

    private static let named: [String: String] = ["em": "—", "en": "–", "aq": "'", "dq": "\"", "lq": "“", "rq": "”",
        "oq": "‘", "cq": "’", "bu": "•", "co": "©", "rg": "®", "tm": "™", "mi": "-", "hy": "-", "ti": "~", "ha": "^",
        "rs": "\\", "lB": "[", "rB": "]", "la": "⟨", "ra": "⟩", "mu": "×", "di": "÷", "+-": "±", "<=": "≤",
        ">=": "≥", "!=": "≠", "->": "→", "<-": "←", "de": "°", "sc": "§", "Fo": "«", "Fc": "»", "pl": "+", "eq": "="]

    /// Roff escapes to text: fonts dropped, `\-` to `-`, `\(xx` and `\[name]` glyphs, `\e` to `\`.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { out.append(c); i += 1; continue }
            let n = chars[i + 1]
            switch n {
            case "f":
                // \fB, \fI, \fR, \fP, \f(CW, \f[...]
                if i + 2 < chars.count, chars[i + 2] == "(" { i += 5 } else if i + 2 < chars.count, chars[i + 2] == "[" {
                    var j = i + 3
                    while j < chars.count, chars[j] != "]" { j += 1 }
                    i = j + 1
                } else { i += 3 }
            case "(":
                let name = i + 3 < chars.count ? String(chars[(i + 2)...(i + 3)]) : ""
                out += named[name] ?? ""
                i += 4
            case "[":
                var j = i + 2
                while j < chars.count, chars[j] != "]" { j += 1 }
                let name = String(chars[min(i + 2, chars.count)..<min(j, chars.count)])
                out += named[name] ?? ""
                i = j + 1
            case "*":
                // Strings: \*(xx, \*[name], \*x
                if i + 2 < chars.count, chars[i + 2] == "(" { i += 5 } else if i + 2 < chars.count, chars[i + 2] == "[" {
                    var j = i + 3
                    while j < chars.count, chars[j] != "]" { j += 1 }
                    i = j + 1
                } else { i += 3 }
            case "-": out.append("-"); i += 2
            case "e", "\\": out.append("\\"); i += 2
            case "&", "c", "|", "^", ":", "%": i += 2
            case " ", "~", "0": out.append(" "); i += 2
            case "\"": i = chars.count
            case "s":
                i += 2
                if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
                if i < chars.count, chars[i].isNumber { i += 1 }
            default: out.append(n); i += 2
            }
        }
        return out
    }
}
