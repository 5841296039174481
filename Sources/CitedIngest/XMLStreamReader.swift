import Foundation
import CLibXML2

/// A thin wrapper over libxml2's `xmlTextReader`: a forward-only cursor, never a whole-file DOM.
/// Reads `.gz` as a stream within `ExpansionLimits` (libxml2's zlib input behind `LimitedInput`), never touches
/// the network or external DTDs.
final class XMLStreamReader {
    /// libxml2 node types used here.
    enum NodeType: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, whitespace = 13, significantWhitespace = 14, endElement = 15
    }

    private let reader: xmlTextReaderPtr
    private let errors: ErrorBox
    /// The file as a counted, size-bounded stream (kept alive while libxml2 reads it).
    private let input: LimitedInput
    /// What internal entities may still expand to in this document.
    let budget = EntityBudget()
    let path: String
    /// Set when `elementText` stopped on the element's end tag (see `skipSubtree`).
    private var atEndTag = false

    /// First error libxml2 reported (line, code and message), kept from the structured error callback.
    final class ErrorBox {
        var line = 0
        var code: Int32 = 0
        var message: String?
    }

    /// Opens `path` for streaming. Options: no network, no `XML_PARSE_HUGE` (so libxml2 keeps its depth,
    /// text-size and entity-amplification limits) and no `XML_PARSE_NOENT` (entities are not substituted
    /// while parsing; `XMLText` expands them within a budget).
    init(path: String, displayPath: String, limits: ExpansionLimits = ExpansionLimits()) throws {
        self.path = displayPath
        input = try LimitedInput(path: path, displayPath: displayPath, limits: limits)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOCDATA.rawValue)
        guard let reader = xmlReaderForIO(LimitedInput.ioRead, LimitedInput.ioClose, input.context, path, nil, options)
        else {
            throw IngestError.unreadable(path: displayPath, reason: "libxml2 cannot open the file")
        }
        self.reader = reader
        self.errors = ErrorBox()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
            guard box.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            box.line = Int(error.pointee.line)
            box.code = error.pointee.code
            let text = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            box.message = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }, Unmanaged.passUnretained(errors).toOpaque())
    }

    deinit { xmlFreeTextReader(reader) }

    private func failure() -> IngestError {
        if let failure = input.failure { return failure }
        let line = errors.line > 0 ? errors.line : Int(xmlTextReaderGetParserLineNumber(reader))
        return .malformedXML(path: path, line: line, reason: XMLErrors.reason(code: errors.code, message: errors.message))
    }

    /// Throws if the document broke a limit of ours (entity budget, depth).
    private func checkLimits() throws {
        if budget.exceeded { throw IngestError.malformedXML(path: path, line: line, reason: budget.reason) }
        if depth > XMLLimits.maxDepth {
            throw IngestError.malformedXML(path: path, line: line, reason: XMLErrors.tooDeep)
        }
    }

    /// Moves to the next node; false at the end of the document.
    func read() throws -> Bool {
        atEndTag = false
        try checkLimits()
        let status = xmlTextReaderRead(reader)
        if status == 1 { try checkLimits(); return true }
        if status == 0 {
            if errors.message != nil { throw failure() }
            return false
        }
        throw failure()
    }

    /// Skips the current element's subtree; false at the end of the document.
    func skipSubtree() throws -> Bool {
        if atEndTag {
            // `elementText` already read through the subtree: the next node is the one after the end tag.
            atEndTag = false
            return try read()
        }
        try checkLimits()
        let status = xmlTextReaderNext(reader)
        if status == 1 { try checkLimits(); return true }
        if status == 0 {
            if errors.message != nil { throw failure() }
            return false
        }
        throw failure()
    }

    var nodeType: Int32 { xmlTextReaderNodeType(reader) }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The element's local name as libxml2's interned pointer: equal names give equal pointers.
    var namePointer: UnsafePointer<xmlChar>? { xmlTextReaderConstLocalName(reader) }

    var name: String { namePointer.map { String(cString: $0) } ?? "" }

    /// The text value of a text node.
    var value: String { xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? "" }

    /// An attribute of the current element (internal entities expanded within the document's budget).
    func attribute(_ name: String) -> String? {
        guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
        return XMLText.attribute(name, of: node, budget: budget)
    }

    /// All text inside the current element (descendants included), whitespace-normalised; collected without
    /// recursion and with entities expanded within the budget. Call `skipSubtree` next to go on past the element.
    func elementText() throws -> String {
        guard !isEmptyElement else { return "" }
        // Streamed, not `xmlTextReaderExpand`: an element of millions of inline children (`<i>word</i> …`)
        // became a tree of GBs; the reader frees each node once passed. The cursor ends on the end tag.
        let start = depth
        var bytes: [UInt8] = []
        while true {
            let status = xmlTextReaderRead(reader)
            if status != 1 {
                if status == 0, errors.message == nil, input.failure == nil { break }
                throw failure()
            }
            try checkLimits()
            if depth <= start {
                atEndTag = true
                break
            }
            switch nodeType {
            case NodeType.text.rawValue, NodeType.cdata.rawValue, NodeType.whitespace.rawValue,
                 NodeType.significantWhitespace.rawValue:
                if let value = xmlTextReaderConstValue(reader) {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(
                        UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))))
                }
            case NodeType.entityReference.rawValue:
                if let node = xmlTextReaderCurrentNode(reader) {
                    XMLText.collect(node, budget: budget, siblings: false, into: &bytes)
                    try checkLimits()
                }
            default:
                break
            }
            if bytes.count > XMLLimits.maxElementTextBytes {
                throw IngestError.tooLarge(path: path, reason: "more than \(XMLLimits.maxElementTextBytes) bytes of "
                    + "text in one element (line \(line))")
            }
        }
        return bytes.withUnsafeBufferPointer { normalizeSpace($0) }
    }
}

/// libxml2's error messages made plain where its wording misleads.
enum XMLErrors {
    static let tooDeep = "elements nested deeper than \(XMLLimits.maxDepth) levels"

    /// A one-line reason for libxml2 error `code` with `message`.
    static func reason(code: Int32, message: String?) -> String {
        let message = message ?? "parse error"
        if code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            return "internal entities expand too much or loop (entity expansion bomb?)"
        }
        if message.hasPrefix("Excessive depth in document") { return tooDeep }
        if message.contains("XML_PARSE_HUGE") {
            return message.replacingOccurrences(of: " use XML_PARSE_HUGE option", with: "")
                .replacingOccurrences(of: ", use XML_PARSE_HUGE option", with: "") + " (limit)"
        }
        return message
    }
}

/// Collapses runs of whitespace (ASCII whitespace and U+00A0) into one space and trims the ends.
func normalizeSpace(_ text: String) -> String {
    var text = text
    return text.withUTF8 { normalizeSpace($0) }
}

/// `normalizeSpace` of UTF-8 bytes, written straight into the new string (invalid bytes become U+FFFD).
func normalizeSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { out in
        var count = 0
        var pendingSpace = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = count > 0
                i += 1
            } else if byte == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 {
                pendingSpace = count > 0
                i += 2
            } else {
                if pendingSpace { out[count] = 0x20; count += 1; pendingSpace = false }
                out[count] = byte
                count += 1
                i += 1
            }
        }
        return count
    }
}
