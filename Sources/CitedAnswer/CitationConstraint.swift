import Foundation

/// Keeps citation markers honest while the model writes: inside a marker (`[` after a space or
/// punctuation, then a digit) only the numbers of passages actually given may be written, and the
/// marker must close with `]`. Outside code spans the model may write `[` followed by anything else.
///
/// Works on the decoded text of each vocabulary entry, so it fits any tokenizer.
public final class CitationConstraint {
    /// The numbers of the passages in the prompt.
    public let allowed: Set<Int>
    private let texts: [String]
    /// Ids whose text starts inside a marker: digits, `,`, ` `, `]` up to the first `]`.
    private let continuations: [Int]
    /// Ids whose text contains `[` directly followed by a digit.
    private let openers: [(id: Int, bodyAfterBracket: String)]
    /// Ids banned as the first token: a marker, a quote mark (`>`), or blank text would start an echo of
    /// the sources rather than an answer, and a code fence an example instead of one; and, when the evidence is strong enough that the model must
    /// answer, whatever could open the "not in sources" sentinel (its prefixes, spaces aside).
    private let sentinelOpeners: [Int]
    /// Ids that could open the "not in sources" sentinel, in its case or (from three letters) any other.
    private let declineOpeners: [Int]
    /// The model may open the sentinel only when its best opener's logit beats every other allowed first
    /// token by at least this much (nil: freely; +infinity: never).
    public let declineMargin: Float?
    /// At the first token: the best sentinel opener's logit minus the best other allowed token's (how
    /// sure the model was that the sources lack the answer), once generation has started.
    public private(set) var observedDeclineMargin: Float?
    private var tail = ""
    private var consumed = 0
    private var inCode = false

    public init(tokenTexts: [String], allowed: Set<Int>, forbidSentinel: Bool = false, declineMargin: Float? = nil) {
        self.allowed = allowed
        texts = tokenTexts
        self.declineMargin = forbidSentinel ? .infinity : declineMargin
        sentinelOpeners = tokenTexts.indices.filter { id in
            let text = tokenTexts[id].trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("[") || text.hasPrefix(">") || text.hasPrefix("``") { return !tokenTexts[id].isEmpty }
            return false
        }
        // "Not IN SOURCES" declines too: a prefix in any case counts from its third letter on ("No" opens answers).
        declineOpeners = tokenTexts.indices.filter { id in
            let text = tokenTexts[id].trimmingCharacters(in: .whitespacesAndNewlines)
            return !text.isEmpty && (PromptLibrary.sentinel.hasPrefix(text)
                || text.count >= 3 && PromptLibrary.sentinel.lowercased().hasPrefix(text.lowercased()))
        }
        var continuations: [Int] = []
        var openers: [(Int, String)] = []
        for (id, text) in tokenTexts.enumerated() where !text.isEmpty {
            let head = text.prefix { $0 != "]" }
            if head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == " ") }) {
                continuations.append(id)
            }
            if let bracket = text.lastIndex(of: "["), text[text.index(after: bracket)...].first?.isNumber == true {
                openers.append((id, String(text[text.index(after: bracket)...])))
            }
        }
        self.continuations = continuations
        self.openers = openers
    }

    /// Masks the logits of tokens that would write an invalid marker. `generated` are the ids so far.
    public func apply(_ logits: UnsafeMutableBufferPointer<Float>, generated: [Int32]) {
        if generated.isEmpty {
            for id in sentinelOpeners where id < logits.count { logits[id] = -.infinity }
            let openers = Set(declineOpeners)
            let decline = declineOpeners.filter { $0 < logits.count }.map { logits[$0] }.max() ?? -.infinity
            var other = -Float.infinity
            for id in 0..<logits.count where !openers.contains(id) && logits[id] > other { other = logits[id] }
            observedDeclineMargin = decline - other
            if let declineMargin, decline - other < declineMargin {
                for id in declineOpeners where id < logits.count { logits[id] = -.infinity }
            }
        }
        advance(generated)
        if inCode { return }
        switch state() {
        case .inside(let body):
            // Inside a marker: only valid continuations survive.
            var keep: [(Int, Float)] = []
            for id in continuations where id < logits.count && isValid(body + texts[id]) {
                keep.append((id, logits[id]))
            }
            guard !keep.isEmpty else { return }
            for index in 0..<logits.count { logits[index] = -.infinity }
            for (id, value) in keep { logits[id] = value }
        case .opened:
            // After "[": a number must be a passage's; anything else is not a marker.
            for id in continuations where id < logits.count && texts[id].first?.isNumber == true && !isValid(texts[id]) {
                logits[id] = -.infinity
            }
            banInvalidOpeners(logits, afterMarkerBoundary: false)
        case .outside:
            banInvalidOpeners(logits, afterMarkerBoundary: tail.last.map { Self.boundaries.contains($0) } ?? true)
        }
    }

    private static let boundaries: Set<Character> = [" ", "(", ".", ",", ";", ":", "\n", "]"]

    private enum State {
        case outside
        case opened
        case inside(body: String)
    }

    /// Bans tokens that contain `[` followed by a number no passage has, where that `[` starts a marker.
    private func banInvalidOpeners(_ logits: UnsafeMutableBufferPointer<Float>, afterMarkerBoundary: Bool) {
        for (id, body) in openers where id < logits.count {
            let text = texts[id]
            let bracket = text.lastIndex(of: "[")!
            let startsMarker = bracket == text.startIndex
                ? afterMarkerBoundary : Self.boundaries.contains(text[text.index(before: bracket)])
            if startsMarker && !isValid(body) { logits[id] = -.infinity }
        }
    }

    /// Whether `body` (what follows `[`) can still become a marker of allowed numbers.
    func isValid(_ body: String) -> Bool {
        let inside = body.prefix { $0 != "]" }
        let closed = inside.count < body.count
        let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            if part.isEmpty {
                if isLast && !closed && index > 0 { continue }  // "1, " waits for the next number
                return false
            }
            guard part.allSatisfy(\.isNumber), let value = Int(part) else { return false }
            if isLast && !closed {
                if !allowed.contains(where: { String($0).hasPrefix(part) }) { return false }
            } else if !allowed.contains(value) {
                return false
            }
        }
        if closed {
            // After the closing bracket the text is free, but may not open another bad marker.
            let rest = body[body.index(after: body.firstIndex(of: "]")!)...]
            if let bracket = rest.lastIndex(of: "["), rest[rest.index(after: bracket)...].first?.isNumber == true {
                return isValid(String(rest[rest.index(after: bracket)...]))
            }
        }
        return true
    }

    /// Where the text so far stands with respect to a marker.
    private func state() -> State {
        guard let bracket = tail.lastIndex(of: "[") else { return .outside }
        let before = tail[..<bracket].last
        guard before == nil || Self.boundaries.contains(before!) else { return .outside }
        let body = tail[tail.index(after: bracket)...]
        if body.isEmpty { return .opened }
        guard body.first!.isNumber, body.allSatisfy({ $0.isNumber || $0 == "," || $0 == " " }) else { return .outside }
        return .inside(body: String(body))
    }

    /// Appends the text of newly generated ids to the tail and tracks code spans.
    private func advance(_ generated: [Int32]) {
        if generated.count < consumed { tail = ""; consumed = 0; inCode = false }
        while consumed < generated.count {
            let id = Int(generated[consumed])
            let piece = id < texts.count ? texts[id] : ""
            for character in piece where character == "`" { inCode.toggle() }
            tail += piece
            consumed += 1
        }
        if tail.count > 64 { tail = String(tail.suffix(64)) }
    }
}
