import Foundation
import CLibXML2

/// What internal entity references of one document may still expand to; shared by every text and attribute
/// read from it. Once spent, reads stop expanding and the parser reports the document (`exceeded`).
final class EntityBudget {
    private(set) var remaining: Int
    private(set) var exceeded = false
    let limit: Int

    init(limit: Int = XMLLimits.maxEntityBytes) {
        self.limit = limit
        self.remaining = limit
    }

    /// Takes `count` bytes; false (and `exceeded`) when there are not that many left.
    func spend(_ count: Int) -> Bool {
        guard !exceeded else { return false }
        if count > remaining {
            exceeded = true
            remaining = 0
            return false
        }
        remaining -= count
        return true
    }

    /// The reason printed when the budget is spent.
    var reason: String { "internal entities expand to more than \(limit) bytes (entity expansion bomb?)" }
}

/// Text of libxml2 node lists without recursion: elements are walked with an explicit stack, entity
/// references expanded from their parsed content within an `EntityBudget` (libxml2's own
/// `xmlNodeGetContent` and `xmlGetProp` expand them without bound, and its reader's text collection
/// recurses once per nesting level).
enum XMLText {
    /// Appends the text under the node list starting at `first` (text, CDATA, expanded entities) to `out`,
    /// leaving out elements named `skipping` (with everything under them).
    /// With `siblings` false, only `first` (and what is under it) is read, not the nodes after it.
    static func collect(_ first: xmlNodePtr?, budget: EntityBudget, skipping: String? = nil, siblings: Bool = true,
                        into out: inout [UInt8]) {
        // Where to continue once a subtree ends; `leavesEntity` marks the end of an entity's content.
        var resume: [(next: xmlNodePtr?, leavesEntity: Bool)] = []
        var entityDepth = 0
        var current = first
        while true {
            while let node = current {
                switch node.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if let content = node.pointee.content {
                        let count = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                        if entityDepth == 0 || budget.spend(count) {
                            out.append(contentsOf: UnsafeBufferPointer(start: content, count: count))
                        }
                    }
                case XML_ELEMENT_NODE:
                    if let skipping, let name = node.pointee.name, String(cString: name) == skipping {
                        break
                    }
                    if let children = node.pointee.children {
                        resume.append((node.pointee.next, false))
                        current = children
                        continue
                    }
                case XML_ENTITY_REF_NODE:
                    if let entity = xmlGetDocEntity(node.pointee.doc, node.pointee.name) {
                        if entity.pointee.etype == XML_INTERNAL_PREDEFINED_ENTITY, let content = entity.pointee.content {
                            out.append(contentsOf: UnsafeBufferPointer(
                                start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                        } else if let children = entity.pointee.children, !budget.exceeded {
                            if entityDepth >= XMLLimits.maxEntityNesting {
                                _ = budget.spend(Int.max)
                            } else {
                                entityDepth += 1
                                resume.append((node.pointee.next, true))
                                current = UnsafeMutablePointer(children)
                                continue
                            }
                        }
                    }
                default:
                    break
                }
                if !siblings && resume.isEmpty { return }
                current = node.pointee.next
            }
            guard let last = resume.popLast() else { return }
            if last.leavesEntity { entityDepth -= 1 }
            if !siblings && resume.isEmpty { return }
            current = last.next
        }
    }

    /// The text under `node` (its children), raw.
    static func text(of node: xmlNodePtr, budget: EntityBudget, skipping: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        collect(node.pointee.children, budget: budget, skipping: skipping, into: &out)
        return out
    }

    /// The value of attribute `name` (any namespace, like `xmlGetProp`) of element `node`, entities expanded within `budget`.
    static func attribute(_ name: String, of node: xmlNodePtr, budget: EntityBudget) -> String? {
        var property = node.pointee.properties
        while let attribute = property {
            if let attributeName = attribute.pointee.name,
               strcmp(UnsafeRawPointer(attributeName).assumingMemoryBound(to: CChar.self), name) == 0 {
                var out: [UInt8] = []
                collect(attribute.pointee.children, budget: budget, into: &out)
                return String(decoding: out, as: UTF8.self)
            }
            property = attribute.pointee.next
        }
        return nil
    }
}
