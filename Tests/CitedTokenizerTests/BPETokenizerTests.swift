import Testing
@testable import CitedTokenizer

@Suite("Byte-level BPE")
struct BPETokenizerTests {
    func words(_ pre: BPEPreTokenizer, _ s: String) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var out: [String] = []
        var start = 0
        for end in pre.split(scalars) {
            var w = ""
            w.unicodeScalars.append(contentsOf: scalars[start..<end])
            out.append(w)
            start = end
        }
        return out
    }

    @Test("gpt-2 split: contractions, letters, digits, punctuation, trailing spaces")
    func gpt2() {
        #expect(words(.gpt2, "I'm here  now 123!!") == ["I", "'m", " here", " ", " now", " 123", "!!"])
        #expect(words(.gpt2, "a\n\nb   ") == ["a", "\n", "\n", "b", "   "])  // \s+(?!\S) leaves one
        #expect(words(.gpt2, "") == [])
    }

    @Test("smollm split isolates every digit first")
    func smollm() {
        #expect(words(.smollm, "x 2024 y") == ["x", " ", "2", "0", "2", "4", " y"])
    }

    @Test("qwen2 split: one digit per word, newlines kept with the preceding spaces")
    func qwen2() {
        #expect(words(.qwen2, "Hello, world 42\n\n  x") == ["Hello", ",", " world", " ", "4", "2", "\n\n", " ", " x"])
        #expect(words(.qwen2, "DON'T") == ["DON", "'T"])
        #expect(words(.qwen2, "中文 text") == ["中文", " text"])
    }

    @Test("merges by rank and special tokens first on a toy vocabulary")
    func toy() {
        // byte-level forms: space is "Ġ"
        let tokens = ["a", "b", "c", "Ġ", "ab", "abc", "Ġa", "<|x|>"]
        let tok = BPETokenizer(tokens: tokens, kinds: [1, 1, 1, 1, 1, 1, 1, 3], merges: ["a b", "ab c", "Ġ a"],
                               pre: .gpt2, bos: nil, eos: 7, addBOS: false)
        #expect(tok.encode("abc") == [5])
        #expect(tok.encode("ab<|x|> a") == [4, 7, 6])
        #expect(tok.encode("ab<|x|>", parseSpecial: false) == [4])  // control text not recognised: unknown bytes dropped
        #expect(tok.decode([5, 6]) == "abc a")
        #expect(tok.decode([7]) == "" && tok.decode([7], special: true) == "<|x|>")
    }

    @Test("streaming decode emits whole UTF-8 characters only")
    func streaming() {
        #expect(StreamingDecoder.completePrefix([0x61, 0xE4, 0xB8]) == 1)
        #expect(StreamingDecoder.completePrefix([0x61, 0xE4, 0xB8, 0xAD]) == 4)
        #expect(StreamingDecoder.completePrefix([0xF0, 0x9F, 0x98]) == 0)
        #expect(StreamingDecoder.completePrefix([]) == 0)
    }

    @Test("ChatML default system prompt is read from either template style")
    func template() throws {
        let smol = "{{ '<|im_start|>system\nYou are SmolLM<|im_end|>\n' }}{{'<|im_start|>' + message['role']}}"
        #expect(try ChatTemplate(jinja: smol).defaultSystem == "You are SmolLM")
        let qwen = "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
            + "{{- '<|im_start|>system\\nYou are Qwen.<|im_end|>\\n' }}"
        #expect(try ChatTemplate(jinja: qwen).defaultSystem == "You are Qwen.")
        #expect(throws: ChatTemplate.TemplateError.self) { try ChatTemplate(jinja: "{{ bos_token }}[INST]") }
        let t = ChatTemplate(defaultSystem: nil)
        #expect(t.render([ChatMessage(role: .user, content: "q")]) == "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n")
    }
}

@Suite("Byte-level BPE: bytes without a token")
struct BPEMissingByteTests {
    /// fuzz-bpe: SmolLM2's vocabulary has no token for 21 bytes (e.g. 0x04, shown as "Ą"); such a byte is dropped,
    /// as llama.cpp drops it, so the text does not round-trip. With the token present it does.
    @Test("a byte with no token is dropped; with one it round-trips")
    func missingByte() {
        let without = BPETokenizer(tokens: ["a", "b"], kinds: [1, 1], merges: [], pre: .smollm,
                                   bos: nil, eos: nil, addBOS: false)
        #expect(without.encode("a\u{4}b") == [0, 1])
        #expect(without.decode(without.encode("a\u{4}b")) == "ab")
        let with = BPETokenizer(tokens: ["a", "b", "Ą"], kinds: [1, 1, 1], merges: [], pre: .smollm,
                                bos: nil, eos: nil, addBOS: false)
        #expect(with.encode("a\u{4}b") == [0, 2, 1])
        #expect(with.decode(with.encode("a\u{4}b")) == "a\u{4}b")
    }
}
