import CitedCore
import CitedTokenizer
import Foundation
import Testing
@testable import CitedIngest

/// Chunking with the real MiniLM tokenizer: every passage fits 256 tokens including [CLS]/[SEP],
/// and the stored count equals a fresh count of the passage text.
@Suite("Chunking with WordPiece")
struct WordPieceChunkingTests {
    @Test("fixtures chunk under 256 real tokens, counts exact")
    func bound() throws {
        let url = CitedHome().models.appendingPathComponent("minilm/tokenizer.json")
        try #require(FileManager.default.fileExists(atPath: url.path),
                     "missing \(url.path): run `cited models fetch minilm` (CI fetches models before tests)")
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: url)
        let chunker = Chunker(counter: tokenizer, tokenLimit: 256)
        var documents = try parsePubMed(fixtures("pubmed/pubmed21n1298-sample.xml")).articles
        for relative in ["pmc/1472-6831-8-11.nxml", "docs/functools.rst.txt", "docs/functools.html",
                         "notes/solve-equation-algebraically.md.txt"] {
            let path = fixtures(relative).path
            documents += try TextFormats.parse(format: FileFormat.detect(path: path)!, path: path, relative: relative,
                                               display: relative)
        }
        var passages = 0
        for document in documents {
            for passage in chunker.passages(for: document, path: document.key) {
                passages += 1
                #expect(passage.tokenCount == tokenizer.tokenCount(passage.text), "\(passage.locator)")
                let isFormula = document.blocks.contains { $0.kind == .formula && $0.text == passage.text }
                #expect(passage.tokenCount <= 256 || isFormula, "\(passage.locator): \(passage.tokenCount)")
            }
        }
        #expect(passages > 100)
    }
}
