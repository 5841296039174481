import CitedCore
import CitedStore
import CLibXML2
import Foundation

/// Reads a PMC JATS article (`.nxml`): ids, title, abstract, body sections and paragraphs.
/// Element names follow the NLM Journal Archiving and Interchange Tag Set.
struct JATSParser {
    /// Reads the article at `path` (streamed from disk, gzip within `limits`) into one document.
    /// Options: no network, no `XML_PARSE_HUGE` (libxml2's depth, text and amplification limits hold), no
    /// `XML_PARSE_NOENT` (entity text is expanded by `XMLText` within a budget).
    func parse(path: String, relative: String, display: String,
               limits: ExpansionLimits = ExpansionLimits()) throws -> ParsedDocument {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        let input = try LimitedInput(path: path, displayPath: display, limits: limits)
        xmlResetLastError()
        let parsed = withExtendedLifetime(input) {
            xmlReadIO(LimitedInput.ioRead, LimitedInput.ioClose, input.context, path, nil, options)
        }
        if let failure = input.failure {
            if let parsed { xmlFreeDoc(parsed) }
            throw failure
        }
        guard let document = parsed else {
            let error = xmlGetLastError()
            let line = error.map { Int($0.pointee.line) } ?? 0
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } }?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw IngestError.malformedXML(path: display, line: line,
                                           reason: XMLErrors.reason(code: error.map { $0.pointee.code } ?? 0, message: message))
        }
        defer { xmlFreeDoc(document) }
        guard let rootPointer = xmlDocGetRootElement(document) else {
            throw IngestError.malformedXML(path: display, line: 1, reason: "no root element")
        }
        let budget = EntityBudget()
        let parsedDocument = try read(XMLNode(pointer: rootPointer, budget: budget), path: path, relative: relative,
                                      display: display)
        if budget.exceeded { throw IngestError.malformedXML(path: display, line: 0, reason: budget.reason) }
        return parsedDocument
    }

    private func read(_ rootNode: XMLNode, path: String, relative: String, display: String) throws -> ParsedDocument {
        var root = rootNode
        if root.name == "pmc-articleset", let article = root.first("article") { root = article }
        guard root.name == "article" else {
            throw IngestError.malformedXML(path: display, line: root.line, reason: "root element <\(root.name)> is not a JATS article")
        }
        let front = root.first("front")
        let meta = front?.first("article-meta")
        var ids: [String: String] = [:]
        for id in meta?.elements.filter({ $0.name == "article-id" }) ?? [] {
            if let type = id.attribute("pub-id-type") { ids[type] = id.text }
        }
        let title = meta?.descendant("title-group")?.first("article-title")?.text ?? ""
        let journal = front?.first("journal-meta")?.descendant("journal-title")?.text
        let year = meta?.descendants("pub-date").compactMap { $0.first("year").flatMap { Int($0.text) } }.min()
        var metadata = DocumentMetadata()
        for contrib in meta?.descendants("contrib") ?? [] where contrib.attribute("contrib-type") == "author" {
            if let name = contrib.first("name") {
                let surname = name.first("surname")?.text ?? ""
                let given = name.first("given-names")?.text ?? ""
                metadata.authors.append([surname, given].filter { !$0.isEmpty }.joined(separator: " "))
            } else if let collab = contrib.first("collab") {
                metadata.authors.append(collab.text)
            }
        }
        metadata.keywords = meta?.descendants("kwd").map(\.text).filter { !$0.isEmpty } ?? []
        for (type, value) in ids where !["pmid", "pmc", "doi"].contains(type) { metadata.articleIDs[type] = value }

        var blocks: [Block] = []
        for abstract in meta?.elements.filter({ $0.name == "abstract" && $0.attribute("abstract-type") == nil }) ?? [] {
            section(abstract, path: ["Abstract"], into: &blocks)
        }
        if let body = root.first("body") { section(body, path: [], into: &blocks) }
        if blocks.isEmpty, !title.isEmpty { blocks.append(Block(text: title, headingPath: ["Title"])) }

        let pmcid = ids["pmc"].map { $0.hasPrefix("PMC") ? $0 : "PMC\($0)" }
        let key = pmcid ?? ids["pmid"].map { "PMID:\($0)#pmc" } ?? "file:\(path)"
        return ParsedDocument(key: key, kind: .pmc, title: title.isEmpty ? relative : title, pmid: ids["pmid"],
                              pmcid: pmcid, doi: ids["doi"], year: year, journal: journal, language: nil,
                              metadata: metadata, blocks: blocks, locatorStyle: .sectionParagraph)
    }

    /// A heading path as a chain: a nested section points at its parent's, so nesting costs one node per level,
    /// and the `[String]` a block needs is built once per section (and shared by its blocks).
    private final class HeadingPath {
        let title: String?
        let parent: HeadingPath?
        private var cached: [String]?

        init(title: String?, parent: HeadingPath?) {
            self.title = title
            self.parent = parent
        }

        var array: [String] {
            if let cached { return cached }
            var titles: [String] = []
            var node: HeadingPath? = self
            while let current = node {
                if let title = current.title { titles.append(title) }
                node = current.parent
            }
            let built = Array(titles.reversed())
            cached = built
            return built
        }
    }

    /// Paragraphs of a section numbered from 1, nested sections under their titles; walked with an explicit
    /// stack (element depth is bounded by libxml2, but nothing here grows the call stack with it).
    private func section(_ node: XMLNode, path: [String], into blocks: inout [Block]) {
        struct Frame {
            var children: [XMLNode]
            var index = 0
            var path: HeadingPath
            var paragraph = 0
            var untitled = 0
        }
        var root: HeadingPath?
        for title in path { root = HeadingPath(title: title, parent: root) }
        var stack = [Frame(children: node.elements, path: root ?? HeadingPath(title: nil, parent: nil))]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].index < stack[top].children.count else {
                stack.removeLast()
                continue
            }
            let child = stack[top].children[stack[top].index]
            stack[top].index += 1
            func add(_ text: String, kind: Block.Kind = .paragraph, label: String? = nil, line: Int) {
                let clean = normalizeSpace(text)
                guard !clean.isEmpty else { return }
                stack[top].paragraph += 1
                blocks.append(Block(kind: kind, text: clean, headingPath: stack[top].path.array, startLine: line,
                                    endLine: line, paragraph: stack[top].paragraph, label: label))
            }
            switch child.name {
            case "title", "label", "sec-meta":
                continue
            case "sec", "abstract":
                stack[top].untitled += 1
                var title = child.first("title")?.text ?? ""
                if title.count > XMLLimits.maxHeadingCharacters {
                    title = String(title.prefix(XMLLimits.maxHeadingCharacters)) + "…"
                }
                let name = title.isEmpty ? "Section \(stack[top].untitled)" : title
                stack.append(Frame(children: child.elements, path: HeadingPath(title: name, parent: stack[top].path)))
            case "p":
                add(child.rawText, line: child.line)
            case "fig", "table-wrap":
                let label = child.first("label")?.text
                if let caption = child.first("caption") { add(caption.rawText, label: label, line: child.line) }
            case "disp-formula":
                add(child.rawText, kind: .formula, line: child.line)
            case "list", "def-list", "boxed-text", "disp-quote", "statement":
                add(child.rawText, line: child.line)
            default:
                continue
            }
        }
    }
}
