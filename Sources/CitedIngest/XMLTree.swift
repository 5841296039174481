import CLibXML2

/// Small helpers over libxml2's tree (`xmlNode`) for formats read whole (JATS articles, HTML pages).
struct XMLNode {
    let pointer: xmlNodePtr

    var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }
    var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }
    var line: Int { Int(xmlGetLineNo(pointer)) }

    /// Child nodes in order (elements and text).
    var children: [XMLNode] {
        var out: [XMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            out.append(XMLNode(pointer: node))
            child = node.pointee.next
        }
        return out
    }

    var elements: [XMLNode] { children.filter(\.isElement) }

    func attribute(_ name: String) -> String? {
        guard let raw = xmlGetProp(pointer, name) else { return nil }
        defer { xmlFree(raw) }
        return String(cString: raw)
    }

    /// Raw text of this node and its descendants.
    var rawText: String {
        guard let raw = xmlNodeGetContent(pointer) else { return "" }
        defer { xmlFree(raw) }
        return String(cString: raw)
    }

    /// Descendant text, whitespace-normalised.
    var text: String { normalizeSpace(rawText) }

    func first(_ name: String) -> XMLNode? { elements.first { $0.name == name } }

    /// The first descendant element named `name`, depth first.
    func descendant(_ name: String) -> XMLNode? {
        for child in elements {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// Every descendant element named `name`.
    func descendants(_ name: String) -> [XMLNode] {
        var out: [XMLNode] = []
        for child in elements {
            if child.name == name { out.append(child) }
            out.append(contentsOf: child.descendants(name))
        }
        return out
    }
}
