import CLibXML2
import Foundation

/// HTML pages through libxml2's HTML parser: headings, paragraphs, list items, definitions and `<pre>` code;
/// navigation, scripts, styles, headers, footers and Sphinx sidebars are dropped.
struct HTMLParser {
    private static let dropped: Set<String> = ["script", "style", "nav", "header", "footer", "aside", "noscript",
                                               "form", "button", "iframe", "svg", "template", "head"]
    private static let droppedClasses = ["sphinxsidebar", "related", "footer", "navigation", "nav", "breadcrumb",
                                         "toc", "headerlink", "sidebar", "menu", "inline-search", "mobile-nav"]

    func parse(_ bytes: [UInt8], display: String) throws -> (String?, [Block]) {
        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { throw IngestError.malformedXML(path: display, line: 1, reason: "unreadable HTML") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw IngestError.malformedXML(path: display, line: 1, reason: "no root element")
        }
        var builder = BlockBuilder()
        let html = XMLNode(pointer: root, budget: EntityBudget())
        let pageTitle = html.descendant("title")?.text
        // Prefer the main content when the page marks it.
        let main = html.descendants("div").first { ($0.attribute("role") ?? "") == "main" || ($0.attribute("class") ?? "").split(separator: " ").contains("body") }
            ?? html.descendant("main") ?? html.descendant("article") ?? html.descendant("body") ?? html
        walk(main, into: &builder)
        builder.flush()
        if builder.overflowed {
            throw IngestError.tooLarge(path: display, reason: "more than \(BlockBuilder.maxTextBytes) bytes of text in one document")
        }
        let title = builder.title ?? pageTitle
        return (title.map(clean), builder.blocks)
    }

    private func clean(_ text: String) -> String {
        normalizeSpace(text.replacingOccurrences(of: "¶", with: "").replacingOccurrences(of: "\u{00A0}", with: " "))
    }

    /// Visits the page's elements in document order with an explicit stack (no recursion per nesting level).
    private func walk(_ node: XMLNode, into builder: inout BlockBuilder) {
        var stack: [IndexingIterator<[XMLNode]>] = [node.elements.makeIterator()]
        while !stack.isEmpty {
            guard let child = stack[stack.count - 1].next() else {
                stack.removeLast()
                continue
            }
            let descend = { stack.append(child.elements.makeIterator()) }
            let name = child.name.lowercased()
            if HTMLParser.dropped.contains(name) { continue }
            let classes = (child.attribute("class") ?? "").lowercased()
            if HTMLParser.droppedClasses.contains(where: { classes.split(separator: " ").contains(Substring($0)) })
                || child.attribute("role") == "navigation" { continue }
            let line = child.line
            switch name {
            case "h1", "h2", "h3", "h4", "h5", "h6":
                builder.heading(clean(child.rawText), level: Int(String(name.last!))!)
            case "pre":
                builder.block(.code, child.rawText, from: line, to: line + child.rawText.filter { $0 == "\n" }.count)
            case "p", "dd", "blockquote", "figcaption", "caption":
                if child.descendant("p") != nil || child.descendant("pre") != nil {
                    descend()
                } else {
                    builder.block(.paragraph, clean(child.rawText), from: line, to: line)
                }
            case "dt":
                // Sphinx API entries: <dt id="functools.lru_cache">: the id names the entry.
                if let id = child.attribute("id"), !id.isEmpty {
                    builder.flush()
                    builder.label = String(id.split(separator: ".").last ?? Substring(id))
                }
                builder.block(.paragraph, clean(child.rawText), from: line, to: line)
            case "li":
                if child.descendant("p") != nil || child.descendant("pre") != nil || child.descendant("ul") != nil {
                    descend()
                } else {
                    builder.block(.paragraph, clean(child.rawText), from: line, to: line)
                }
            case "table":
                // Its own rows, cells without the tables nested in them; those are visited next as tables of
                // their own (an outer row held all the text below it: 250 nested tables repeated it 250 times).
                for row in child.descendants("tr", notInside: "table") {
                    let cells = row.elements.map { $0.rawText(skipping: "table") }
                    builder.block(.paragraph, clean(cells.joined(separator: " | ")), from: row.line, to: row.line)
                }
                let nested = child.descendants("table", notInside: "table")
                if !nested.isEmpty { stack.append(nested.makeIterator()) }
            default:
                descend()
            }
        }
    }
}
