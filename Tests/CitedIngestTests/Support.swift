import CitedCore
import CitedStore
import Foundation
@testable import CitedIngest

/// A fake WordPiece: one token per whitespace-separated word, plus [CLS] and [SEP].
struct WordCounter: TokenCounter {
    func tokenCount(_ text: String) -> Int { text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count + 2 }
}

/// A fake character-level tokenizer (one token per non-space character, plus [CLS] and [SEP]) that
/// counts how many characters it was asked to tokenize, to bound the chunker's work.
final class CharacterCounter: TokenCounter, @unchecked Sendable {
    let characters = Counter()
    final class Counter: @unchecked Sendable { var value = 0 }
    func tokenCount(_ text: String) -> Int {
        characters.value += text.count
        return text.filter { $0 != " " && $0 != "\n" }.count + 2
    }
}

/// The committed fixtures folder.
func fixtures(_ relative: String = "") -> URL {
    let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    return relative.isEmpty ? base : base.appendingPathComponent(relative)
}

/// A fresh folder under the temporary directory.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cited-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Copies fixture sub-folders into a fresh corpus folder.
func corpus(_ parts: [String]) throws -> URL {
    let folder = try temporaryFolder().appendingPathComponent("corpus")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for part in parts {
        try FileManager.default.copyItem(at: fixtures(part), to: folder.appendingPathComponent(part))
    }
    return folder
}

/// Ingests `paths` into the store, collecting error lines.
func ingest(_ store: Store, _ paths: [String], options: IngestOptions = IngestOptions(),
            counter: TokenCounter = WordCounter()) throws -> (IngestSummary, [String]) {
    let ingester = Ingester(store: store, chunker: Chunker(counter: counter), options: options)
    var errors: [String] = []
    let summary = try ingester.ingest(paths: paths) { errors.append($0.description) }
    return (summary, errors)
}

/// Parses a PubMed file into articles and deletions.
func parsePubMed(_ url: URL) throws -> (articles: [ParsedDocument], deletions: [String]) {
    var articles: [ParsedDocument] = []
    var deletions: [String] = []
    try PubMedParser().parse(path: url.path, displayPath: url.lastPathComponent) { event in
        switch event {
        case .article(let article): articles.append(article)
        case .delete(let pmids): deletions += pmids
        }
    }
    return (articles, deletions)
}
