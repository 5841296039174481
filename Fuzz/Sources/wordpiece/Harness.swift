@testable import CitedTokenizer
import Foundation
import FuzzSupport

/// The embedder's tokenizer (MiniLM's `tokenizer.json`), loaded once per process.
let tokenizer: WordPieceTokenizer = {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
    let path = ProcessInfo.processInfo.environment["CITED_FUZZ_MINILM"]
        ?? "\(home)/.cache/cited/models/minilm/tokenizer.json"
    do { return try WordPieceTokenizer(tokenizerJSON: URL(fileURLWithPath: path)) } catch {
        fatalError("fuzz-wordpiece needs MiniLM (cited models fetch minilm): \(error)")
    }
}()

/// libFuzzer entry: the input as text through WordPiece (ids in range, at most `maxLength`, `[CLS]` first), and
/// as bytes through the `tokenizer.json` vocabulary scanner.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let ids = tokenizer.encode(text)
    require(ids.count >= 2 && ids.count <= tokenizer.maxLength, "\(ids.count) ids")
    require(ids.first == tokenizer.clsID && ids.last == tokenizer.sepID, "not framed by [CLS] … [SEP]")
    require(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.tokens.count }, "id out of range")
    let short = tokenizer.encode(text, limit: 8)
    require(short.count <= 8, "limit 8 gave \(short.count) ids")
    _ = tokenizer.tokenCount(text)
    _ = tokenizer.tokenStrings(ids)
    if let (pairs, range) = VocabJSONReader.vocab(in: Data(bytes)) {
        require(range.lowerBound >= 0 && range.upperBound <= size, "vocab range \(range) outside \(size) bytes")
        _ = VocabJSONReader.withoutVocab(Data(bytes), range: range)
        _ = pairs.count
    }
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
