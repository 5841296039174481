import Foundation
import Testing
import CitedTokenizer
@testable import CitedModel

/// llama.cpp's ids for 2,000+ varied strings (made by Tests/Fixtures/reference/make_tokenizer_golden.py).
struct TokenizerGolden: Decodable {
    let strings: [String]
    let ids: [String: [[Int32]]]

    static func load() throws -> TokenizerGolden {
        let url = try #require(Bundle.module.url(forResource: "tokenizer-golden", withExtension: "json",
                                                 subdirectory: "Fixtures/gguf"))
        return try JSONDecoder().decode(TokenizerGolden.self, from: Data(contentsOf: url))
    }
}

@Suite("BPE tokenizer from GGUF against llama.cpp")
struct GGUFTokenizerGoldenTests {
    @Test("token ids equal llama.cpp's on the golden corpus", arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func golden(model: String) throws {
        guard let url = cachedModel(model) else { return }
        let tok = try BPETokenizer(gguf: GGUFFile(url: url))
        let golden = try TokenizerGolden.load()
        let expected = try #require(golden.ids[model])
        #expect(golden.strings.count >= 2000)
        var mismatches = 0
        for (s, ids) in zip(golden.strings, expected) {
            let got = tok.encode(s, addSpecial: true, parseSpecial: true)
            if got != ids {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(model): \(s.debugDescription.prefix(120)) → \(got.prefix(20)) expected \(ids.prefix(20))") }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(golden.strings.count) strings differ")
    }

    @Test("decoding the golden ids gives the strings back", arguments: ["smollm2-135m", "qwen2.5-coder-0.5b"])
    func roundTrip(model: String) throws {
        guard let url = cachedModel(model) else { return }
        let tok = try BPETokenizer(gguf: GGUFFile(url: url))
        let golden = try TokenizerGolden.load()
        for (s, ids) in zip(golden.strings, try #require(golden.ids[model])).prefix(500) {
            var stream = StreamingDecoder(tokenizer: tok, special: true)
            var text = ""
            for id in ids { text += stream.append(id) }
            text += stream.flush()
            #expect(text == s)
        }
    }

    @Test("ChatML prompt from the GGUF template")
    func chat() throws {
        guard let url = cachedModel("qwen2.5-coder-0.5b") else { return }
        let t = try ChatTemplate(gguf: GGUFFile(url: url))
        #expect(t.render([ChatMessage(role: .user, content: "Hi")]) ==
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    }
}
