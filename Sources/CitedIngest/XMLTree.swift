import CLibXML2

/// Small helpers over libxml2's tree (`xmlNode`) for formats read whole (JATS articles, HTML pages).
/// Nothing here recurses: walks follow `children`/`next`/`parent` pointers, and text goes through `XMLText`
/// (entities expanded within the document's `EntityBudget`).
struct XMLNode {
    let pointer: xmlNodePtr
    /// Shared by every node of one document.
    let budget: EntityBudget

    var name: String { pointer.pointee.name.map { String(cString: $0) } ?? "" }
    var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }
    var isText: Bool { pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE }
    var line: Int { Int(xmlGetLineNo(pointer)) }

    /// Child nodes in order (elements and text).
    var children: [XMLNode] {
        var out: [XMLNode] = []
        var child = pointer.pointee.children
        while let node = child {
            out.append(XMLNode(pointer: node, budget: budget))
            child = node.pointee.next
        }
        return out
    }

    var elements: [XMLNode] { children.filter(\.isElement) }

    func attribute(_ name: String) -> String? { XMLText.attribute(name, of: pointer, budget: budget) }

    /// Raw text of this node and its descendants.
    var rawText: String { String(decoding: XMLText.text(of: pointer, budget: budget), as: UTF8.self) }

    /// Raw text of this node and its descendants, leaving out elements named `skipping` and their content.
    func rawText(skipping: String) -> String {
        String(decoding: XMLText.text(of: pointer, budget: budget, skipping: skipping), as: UTF8.self)
    }

    /// Descendant text, whitespace-normalised.
    var text: String { XMLText.text(of: pointer, budget: budget).withUnsafeBufferPointer { normalizeSpace($0) } }

    func first(_ name: String) -> XMLNode? { elements.first { $0.name == name } }

    /// Calls `visit` on every descendant element in document order (depth first, pre-order) until it returns false;
    /// the subtrees of elements named `notInside` are visited (the element itself is) but not entered.
    func forEachDescendant(notInside: String? = nil, _ visit: (XMLNode) -> Bool) {
        var current = pointer.pointee.children
        while let node = current {
            if node.pointee.type == XML_ELEMENT_NODE {
                let element = XMLNode(pointer: node, budget: budget)
                if !visit(element) { return }
                if let child = node.pointee.children, notInside == nil || element.name != notInside {
                    current = child
                    continue
                }
            }
            // Climb until a node has a next sibling, stopping at this node.
            var climb = node
            while climb.pointee.next == nil {
                guard let parent = climb.pointee.parent, parent != pointer else { return }
                climb = parent
            }
            current = climb.pointee.next
        }
    }

    /// The first descendant element named `name`, depth first.
    func descendant(_ name: String) -> XMLNode? {
        var found: XMLNode?
        forEachDescendant { node in
            if node.name == name { found = node; return false }
            return true
        }
        return found
    }

    /// Every descendant element named `name`, not looking inside elements named `notInside` (e.g. a table's own
    /// rows, not those of the tables nested in its cells).
    func descendants(_ name: String, notInside: String? = nil) -> [XMLNode] {
        var out: [XMLNode] = []
        forEachDescendant(notInside: notInside) { node in
            if node.name == name { out.append(node) }
            return true
        }
        return out
    }
}
