import Foundation
import CLibXML2

/// A thin wrapper over libxml2's `xmlTextReader`: a forward-only cursor, never a whole-file DOM.
/// Reads `.gz` transparently (libxml2's zlib input), never touches the network or external DTDs.
final class XMLStreamReader {
    /// libxml2 node types used here.
    enum NodeType: Int32 {
        case element = 1, text = 3, cdata = 4, whitespace = 13, significantWhitespace = 14, endElement = 15
    }

    private let reader: xmlTextReaderPtr
    private let errors: ErrorBox
    let path: String

    /// First error libxml2 reported (line and message), kept from the structured error callback.
    final class ErrorBox {
        var line = 0
        var message: String?
    }

    init(path: String, displayPath: String) throws {
        self.path = displayPath
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_HUGE.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        guard let reader = xmlReaderForFile(path, nil, options) else {
            throw IngestError.unreadable(path: displayPath, reason: "libxml2 cannot open the file")
        }
        self.reader = reader
        self.errors = ErrorBox()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
            guard box.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            box.line = Int(error.pointee.line)
            let text = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            box.message = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }, Unmanaged.passUnretained(errors).toOpaque())
    }

    deinit { xmlFreeTextReader(reader) }

    private func failure() -> IngestError {
        let line = errors.line > 0 ? errors.line : Int(xmlTextReaderGetParserLineNumber(reader))
        return .malformedXML(path: path, line: line, reason: errors.message ?? "parse error")
    }

    /// Moves to the next node; false at the end of the document.
    func read() throws -> Bool {
        let status = xmlTextReaderRead(reader)
        if status == 1 { return true }
        if status == 0 {
            if errors.message != nil { throw failure() }
            return false
        }
        throw failure()
    }

    /// Skips the current element's subtree; false at the end of the document.
    func skipSubtree() throws -> Bool {
        let status = xmlTextReaderNext(reader)
        if status == 1 { return true }
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

    /// An attribute of the current element.
    func attribute(_ name: String) -> String? {
        guard let raw = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { xmlFree(raw) }
        return String(cString: raw)
    }

    /// All text inside the current element (descendants included), whitespace-normalised;
    /// the cursor stays on the element (call `skipSubtree`).
    func elementText() throws -> String {
        guard let raw = xmlTextReaderReadString(reader) else {
            if errors.message != nil { throw failure() }
            return ""
        }
        defer { xmlFree(raw) }
        let length = strlen(UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self))
        return normalizeSpace(UnsafeBufferPointer(start: raw, count: length))
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
