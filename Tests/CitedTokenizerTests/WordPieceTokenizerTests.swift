import CitedCore
import Foundation
import Testing
@testable import CitedTokenizer

/// The MiniLM tokenizer from the model cache; fails clearly if it is missing.
func miniLMTokenizer() throws -> WordPieceTokenizer {
    let url = CitedHome().models.appendingPathComponent("minilm/tokenizer.json")
    guard FileManager.default.fileExists(atPath: url.path) else {
        Issue.record("missing \(url.path): fetch the all-MiniLM-L6-v2 model into the cache first")
        throw CocoaError(.fileNoSuchFile)
    }
    return try WordPieceTokenizer(tokenizerJSON: url)
}

struct WordPieceGoldenCase: Decodable {
    var text: String?
    var `repeat`: String?
    var times: Int?
    var ids: [Int32]
    var count: Int

    var input: String { text ?? String(repeating: self.repeat ?? "", count: times ?? 0) }
}

func wordPieceGoldenCases() throws -> [WordPieceGoldenCase] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/wordpiece/golden", withExtension: "jsonl"))
    let data = try String(contentsOf: url, encoding: .utf8)
    return try data.split(separator: "\n").map { try JSONDecoder().decode(WordPieceGoldenCase.self, from: Data($0.utf8)) }
}

@Suite("WordPiece tokenizer")
struct WordPieceTokenizerTests {
    @Test("ids equal HF tokenizers on the golden corpus (truncated at 256)")
    func golden() throws {
        let tokenizer = try miniLMTokenizer()
        let cases = try wordPieceGoldenCases()
        #expect(cases.count >= 2000)
        var failures = 0
        for c in cases {
            let ids = tokenizer.encode(c.input)
            if ids != c.ids {
                failures += 1
                if failures <= 10 {
                    Issue.record("""
                        mismatch for \(c.input.prefix(120).debugDescription)
                        expected \(tokenizer.tokenStrings(c.ids).prefix(40))
                        got      \(tokenizer.tokenStrings(ids).prefix(40))
                        """)
                }
            }
        }
        #expect(failures == 0)
    }

    @Test("untruncated token counts equal HF tokenizers")
    func counts() throws {
        let tokenizer = try miniLMTokenizer()
        for c in try wordPieceGoldenCases() {
            #expect(tokenizer.tokenCount(c.input) == c.count, "\(c.input.prefix(80).debugDescription)")
        }
    }

    @Test("counts equal encoded lengths: ASCII fast path, mixed runs, controls, specials")
    func countsMatchEncoding() throws {
        let tokenizer = try miniLMTokenizer()
        var texts = try wordPieceGoldenCases().map(\.input)
        texts += [
            "IL-6 and TNF-α (p < 0.05) in 12 patients; café–bar, naïve Δ-9.", "ab\u{1}cd ef\u{7F}gh\tij\u{0B}kl\u{0C}mn",
            "x[SEP]y [MASK]z[CLS]", "[SEP", "Ünïcödé Straße İstanbul ǅ", "中文ab 한국어 日本語テキスト",
            "a\u{00A0}b\u{2003}c\u{200B}d\u{FEFF}e", String(repeating: "a", count: 100),
            String(repeating: "a", count: 101), String(repeating: "é", count: 101), "e\u{301}\u{301}x A\u{30A}",
            "HELLO World ÀB", "𝔘𝔫𝔦 😀 emoji👍🏽", "\r\n\t ", "", "[", "x\u{11938}y",
        ]
        for text in texts {
            #expect(tokenizer.tokenCount(text) == tokenizer.encode(text, limit: nil).count, "\(text.prefix(80).debugDescription)")
            // Run by run (ASCII words straight from the bytes) equals normalising the whole text first.
            guard !text.contains("[") else { continue }
            var whole: [String] = []
            tokenizer.basic.forEachWord(in: tokenizer.basic.normalize(Substring(text))) { whole.append(string($0)) }
            var runs: [String] = []
            tokenizer.forEachWord(in: text) { word in
                switch word {
                case .special(let id): runs.append("<\(id)>")
                case .ascii(let bytes): runs.append(String(decoding: bytes, as: UTF8.self).lowercased())
                case .scalars(let scalars): runs.append(string(scalars))
                }
            }
            #expect(runs == whole, "\(text.prefix(80).debugDescription)")
        }
    }

    private func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    @Test("vocab.txt loads the same tokenizer as tokenizer.json")
    func vocabTXT() throws {
        let fromJSON = try miniLMTokenizer()
        let url = CitedHome().models.appendingPathComponent("minilm/vocab.txt")
        let fromTXT = try WordPieceTokenizer(vocabTXT: url)
        #expect(fromTXT.tokens == fromJSON.tokens)
        for c in try wordPieceGoldenCases().prefix(300) {
            #expect(fromTXT.encode(c.input) == c.ids)
        }
    }

    @Test("special tokens, empty text and truncation on a tiny vocabulary")
    func tiny() throws {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", ",", "##b"]
        let t = try WordPieceTokenizer(tokens: tokens, basic: BertBasicTokenizer(),
                                       specials: ["[SEP]": 3, "[MASK]": 4], unknown: "[UNK]",
                                       maxInputCharsPerWord: 100, maxLength: 5)
        #expect(t.encode("") == [2, 3])
        #expect(t.encode("Unaffable") == [2, 5, 6, 7, 3])
        #expect(t.encode("unaffable, a", limit: nil) == [2, 5, 6, 7, 9, 8, 3])
        #expect(t.encode("unaffable, a") == [2, 5, 6, 7, 3])
        #expect(t.encode("a[MASK]ab", limit: nil) == [2, 8, 4, 8, 10, 3])
        #expect(t.encode("unx") == [2, 1, 3])
        #expect(t.tokenCount("unaffable, a") == 7)
    }

    @Test("basic tokenizer: accents, CJK, punctuation, control characters")
    func basic() {
        let b = BertBasicTokenizer()
        func words(_ s: String) -> [String] {
            var out: [String] = []
            b.forEachWord(in: b.normalize(Substring(s))) { w in
                var view = String.UnicodeScalarView()
                view.append(contentsOf: w)
                out.append(String(view))
            }
            return out
        }
        #expect(words("Héllo, WORLD!") == ["hello", ",", "world", "!"])
        #expect(words("中文ab") == ["中", "文", "ab"])
        #expect(words("a\u{0}b\tc\u{200B}d") == ["ab", "cd"])
        #expect(words("") == [])
    }
}

@Suite("WordPiece vocabulary files")
struct WordPieceFileTests {
    @Test("a FIFO or a folder as tokenizer.json or vocab.txt is refused at once, not waited on")
    func specialFiles() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("cited-\(UUID().uuidString).json")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let json = #expect(throws: WordPieceError.self) { try WordPieceTokenizer(tokenizerJSON: fifo) }
        #expect(json?.description == "cannot read tokenizer \(fifo.path): not a regular file")
        let txt = #expect(throws: WordPieceError.self) { try WordPieceTokenizer(vocabTXT: fifo) }
        #expect(txt?.description == "cannot read tokenizer \(fifo.path): not a regular file")
        let folder = FileManager.default.temporaryDirectory
        #expect(throws: WordPieceError.self) { try WordPieceTokenizer(vocabTXT: folder) }
    }

    @Test("a tokenizer file over the size bound is refused by its size, before it is read")
    func oversized() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cited-\(UUID().uuidString).json")
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data("{}".utf8)))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(truncate(url.path, off_t(WordPieceTokenizer.maxFileBytes + 1)) == 0)  // sparse: nothing written
        let error = #expect(throws: WordPieceError.self) { try WordPieceTokenizer(tokenizerJSON: url) }
        #expect(error?.description.contains("larger than \(WordPieceTokenizer.maxFileBytes) bytes") == true,
                "\(String(describing: error))")
    }

    @Test("vocab.txt: read through the same helper; not UTF-8 is malformed, an empty file has no [UNK]")
    func vocabTXT() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cited-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n".utf8).write(to: url)
        let tokenizer = try WordPieceTokenizer(vocabTXT: url)
        #expect(tokenizer.encode("hello") == [2, 4, 3])
        try Data([0x5B, 0xFF, 0x0A]).write(to: url)
        let latin1 = #expect(throws: WordPieceError.self) { try WordPieceTokenizer(vocabTXT: url) }
        #expect(latin1?.description.contains("not UTF-8") == true)
        try Data().write(to: url)
        #expect(throws: WordPieceError.self) { try WordPieceTokenizer(vocabTXT: url) }
    }
}
