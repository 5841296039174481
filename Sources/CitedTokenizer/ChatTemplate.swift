import Foundation

/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// The ChatML template (`<|im_start|>role\n…<|im_end|>\n`) as SmolLM2 and Qwen2.5 declare it in GGUF metadata.
public struct ChatTemplate: Sendable, Equatable {
    /// The system prompt the template inserts when the conversation has none.
    public let defaultSystem: String?

    /// Errors recognising a template.
    public enum TemplateError: Error, CustomStringConvertible, Equatable {
        case unsupported(String)
        public var description: String {
            switch self {
            case .unsupported(let why): "unsupported chat template: \(why)"
            }
        }
    }

    public init(defaultSystem: String?) { self.defaultSystem = defaultSystem }

    /// Recognises a Jinja `tokenizer.chat_template`; only ChatML is supported.
    public init(jinja: String?) throws {
        guard let jinja else { throw TemplateError.unsupported("the model has no tokenizer.chat_template") }
        guard jinja.contains("<|im_start|>"), jinja.contains("<|im_end|>") else {
            throw TemplateError.unsupported("not ChatML (no <|im_start|>/<|im_end|>)")
        }
        defaultSystem = Self.findDefaultSystem(jinja)
    }

    /// The literal system text of `<|im_start|>system\n…<|im_end|>` in the template, if any.
    static func findDefaultSystem(_ t: String) -> String? {
        let marker = "<|im_start|>system"
        var rest = t[...]
        while let r = rest.range(of: marker) {
            var after = rest[r.upperBound...]
            rest = after
            if after.hasPrefix("\\n") { after = after.dropFirst(2) }
            else if after.hasPrefix("\n") { after = after.dropFirst() }
            else { continue }
            guard let end = after.range(of: "<|im_end|>") else { continue }
            let body = after[..<end.lowerBound]
            if body.isEmpty || body.contains("'") || body.contains("{") || body.contains("\"") { continue }
            return String(body)
        }
        return nil
    }

    /// The prompt text for `messages`, ending with `<|im_start|>assistant\n` when `addGenerationPrompt`.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        var out = ""
        if messages.first?.role != .system, let defaultSystem {
            out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
        }
        for m in messages {
            out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n"
        }
        if addGenerationPrompt { out += "<|im_start|>assistant\n" }
        return out
    }
}
