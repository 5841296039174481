import CitedCore
import Testing
@testable import CitedIngest

@Suite("Chunker")
struct ChunkerTests {
    func document(_ blocks: [Block], style: LocatorStyle = .abstract) -> ParsedDocument {
        ParsedDocument(key: "k", kind: .pubmed, title: "t", blocks: blocks, locatorStyle: style)
    }

    @Test("a long paragraph is split at sentences under the bound, with a short overlap")
    func bound() {
        let sentence = "The quick brown fox jumps over the lazy dog again."
        let text = Array(repeating: sentence, count: 80).joined(separator: " ")
        let chunker = Chunker(counter: WordCounter(), tokenLimit: 64)
        let passages = chunker.passages(for: document([Block(text: text, headingPath: ["Abstract", "RESULTS"])]), path: "")
        #expect(passages.count > 5)
        #expect(passages.allSatisfy { $0.tokenCount <= 64 })
        #expect(passages.allSatisfy { $0.locator == "Abstract §RESULTS" })
        #expect(passages.map(\.ordinal) == Array(0..<passages.count))
        // Overlap: each passage after the first starts with the previous one's last sentence.
        #expect(passages[1].text.hasPrefix(sentence))
    }

    @Test("structure first: headings are never merged into one passage")
    func structure() {
        let blocks = [Block(text: "one two", headingPath: ["Abstract", "A"]), Block(text: "three", headingPath: ["Abstract", "B"])]
        let passages = Chunker(counter: WordCounter()).passages(for: document(blocks), path: "")
        #expect(passages.map(\.text) == ["one two", "three"])
        #expect(passages.map(\.headingPath) == ["Abstract > A", "Abstract > B"])
    }

    @Test("formulas are never split, even over the bound; code splits only at lines")
    func formulas() {
        let formula = Array(repeating: "x +", count: 100).joined(separator: " ")
        let code = (1...60).map { "line\($0) = f(a, b, c)" }.joined(separator: "\n")
        let blocks = [Block(kind: .formula, text: formula, headingPath: ["S"], startLine: 1, endLine: 3),
                      Block(kind: .code, text: code, headingPath: ["S"], startLine: 4, endLine: 63)]
        let passages = Chunker(counter: WordCounter(), tokenLimit: 64).passages(for: document(blocks, style: .lines),
                                                                                path: "a.md")
        #expect(passages[0].text == formula)
        let codePassages = passages.dropFirst()
        #expect(codePassages.allSatisfy { $0.tokenCount <= 64 })
        #expect(codePassages.map(\.text).joined(separator: "\n") == code, "whole lines, nothing lost")
        #expect(passages[1].locator.hasPrefix("a.md:4-"))
    }

    @Test("a word far over the budget is cut in pieces under it, nothing lost, in linear work")
    func longWord() {
        let counter = CharacterCounter()
        let word = String(repeating: "{", count: 60_000) + String(repeating: "ab", count: 10_000)
        let block = Block(text: "intro " + word + " outro", headingPath: ["S"], startLine: 1, endLine: 1)
        let passages = Chunker(counter: counter, tokenLimit: 64).passages(for: document([block], style: .lines),
                                                                           path: "a.tex")
        #expect(passages.allSatisfy { $0.tokenCount <= 64 })
        #expect(passages.map(\.text).joined().filter { $0 != " " && $0 != "\n" } == ("intro" + word + "outro"))
        // Quadratic re-counting of the rest after each cut would tokenize ~80,000² / 128 characters.
        #expect(counter.characters.value < 20 * 80_000, "tokenized \(counter.characters.value) characters")
    }

    @Test("sentences: abbreviations and inline math do not end a sentence")
    func sentences() {
        #expect(Chunker.sentences("See Fig. 2 for details. Next one.") == ["See Fig. 2 for details.", "Next one."])
        #expect(Chunker.sentences("Let $x. Y$ hold. Then done.") == ["Let $x. Y$ hold.", "Then done."])
        #expect(Chunker.sentences("") == [])
        #expect(Chunker.sentences("Émoji 🎉 ok. 中文 text.") == ["Émoji 🎉 ok. 中文 text."])
    }

    @Test("the approximate counter over-counts and counts specials")
    func approximate() {
        let counter = ApproximateTokenCounter()
        #expect(counter.tokenCount("") == 2)
        #expect(counter.tokenCount("hello, world") == 5)
        #expect(counter.tokenCount("中文") == 4)
    }
}
