/// Splits a `text/event-stream` body into events' `data` fields (WHATWG HTML §9.2 "Server-sent events":
/// lines end in LF, CRLF or CR; `data:` lines of one event join with LF; a blank line ends the event;
/// lines starting with `:` are comments).
public struct ServerSentEvents: Sendable {
    private var buffer: [UInt8] = []
    private var data: [String] = []
    private var lastWasCR = false

    public init() {}

    /// Feeds received bytes; returns the `data` of every event they completed.
    public mutating func feed<S: Sequence>(_ bytes: S) -> [String] where S.Element == UInt8 {
        var events: [String] = []
        for byte in bytes {
            if byte == 0x0A && lastWasCR { lastWasCR = false; continue }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = line(buffer) { events.append(event) }
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
            }
        }
        return events
    }

    /// Whether part of an event was received but not yet ended by a blank line.
    public var hasPartialEvent: Bool { !buffer.isEmpty || !data.isEmpty }

    private mutating func line(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty {
            guard !data.isEmpty else { return nil }
            defer { data.removeAll() }
            return data.joined(separator: "\n")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var rest = text[text.index(after: colon)...]
            if rest.first == " " { rest = rest.dropFirst() }
            value = rest
        } else {
            field = text[...]
            value = ""
        }
        if field == "data" { data.append(String(value)) }
        return nil
    }
}
