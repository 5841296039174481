import CitedCore
import CitedStore
import CLibXML2
import Foundation

/// Reads a PMC JATS article (`.nxml`): ids, title, abstract, body sections and paragraphs.
/// Element names follow the NLM Journal Archiving and Interchange Tag Set.
struct JATSParser {
    func parse(path: String, relative: String, display: String) throws -> ParsedDocument {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_HUGE.rawValue)
        xmlResetLastError()
        guard let document = xmlReadFile(path, nil, options) else {
            let error = xmlGetLastError()
            let line = error.map { Int($0.pointee.line) } ?? 0
            let reason = error.flatMap { $0.pointee.message.map { String(cString: $0) } }?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "parse error"
            throw IngestError.malformedXML(path: display, line: line, reason: reason)
        }
        defer { xmlFreeDoc(document) }
        guard let rootPointer = xmlDocGetRootElement(document) else {
            throw IngestError.malformedXML(path: display, line: 1, reason: "no root element")
        }
        var root = XMLNode(pointer: rootPointer)
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

    /// Paragraphs of a section numbered from 1, nested sections under their titles.
    private func section(_ node: XMLNode, path: [String], into blocks: inout [Block]) {
        var paragraph = 0
        var untitled = 0
        func add(_ text: String, kind: Block.Kind = .paragraph, label: String? = nil, line: Int) {
            let clean = normalizeSpace(text)
            guard !clean.isEmpty else { return }
            paragraph += 1
            blocks.append(Block(kind: kind, text: clean, headingPath: path, startLine: line, endLine: line,
                                paragraph: paragraph, label: label))
        }
        for child in node.elements {
            switch child.name {
            case "title", "label", "sec-meta":
                continue
            case "sec", "abstract":
                untitled += 1
                let title = child.first("title")?.text ?? ""
                section(child, path: path + [title.isEmpty ? "Section \(untitled)" : title], into: &blocks)
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
