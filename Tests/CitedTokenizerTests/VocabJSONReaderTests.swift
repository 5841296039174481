import Foundation
import Testing
@testable import CitedTokenizer

@Suite("tokenizer.json vocabulary reader")
struct VocabJSONReaderTests {
    static let json = #"""
    {"version": "1.0", "added_tokens": [{"id": 0, "content": "{\"vocab\": [", "normalized": false}],
     "normalizer": {"type": "BertNormalizer", "lowercase": true, "nested": [[1, 2.5e3], {"a": null}]},
     "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
               "vocab": {"[PAD]": 0, "a\"b": 1, "\u00e9t\u00e9": 2, "\ud83d\ude00": 3, "x\\y": 4, "##s": 5}},
     "tail": true}
    """#

    @Test("reads model.vocab with escapes, skipping nested values and strings holding braces")
    func reads() throws {
        let data = Data(Self.json.utf8)
        let found = try #require(VocabJSONReader.vocab(in: data))
        #expect(found.pairs.map(\.0) == ["[PAD]", "a\"b", "été", "😀", "x\\y", "##s"])
        #expect(found.pairs.map(\.1) == [0, 1, 2, 3, 4, 5])
        // Emptying the vocabulary leaves valid JSON with the other fields intact.
        let trimmed = VocabJSONReader.withoutVocab(data, range: found.range)
        let object = try #require(try JSONSerialization.jsonObject(with: trimmed) as? [String: Any])
        let model = try #require(object["model"] as? [String: Any])
        #expect((model["vocab"] as? [String: Any])?.isEmpty == true)
        #expect(model["unk_token"] as? String == "[UNK]")
        #expect(object["tail"] as? Bool == true)
    }

    @Test("no model.vocab or broken JSON gives nil")
    func missing() {
        #expect(VocabJSONReader.vocab(in: Data(#"{"model": {"type": "WordPiece"}}"#.utf8)) == nil)
        #expect(VocabJSONReader.vocab(in: Data(#"{"model": {"vocab": {"a": 1.5}}}"#.utf8)) == nil)
        #expect(VocabJSONReader.vocab(in: Data(#"{"model": {"vocab": {"a": 1"#.utf8)) == nil)
    }
}
