import CitedRetrieve
import CitedStore
import Foundation
import FuzzSupport

/// A fresh index (the real schema and FTS5 tokenizer) with one passage, shared by all inputs of the process.
let store: Store = {
    let path = TemporaryFile.path(suffix: "-index/cited.sqlite")
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    do { return try Store(url: URL(fileURLWithPath: path)) } catch { fatalError("cannot create index: \(error)") }
}()

/// libFuzzer entry: any query text gives a MATCH expression SQLite's FTS5 accepts (the product's
/// `BM25Query`, and `FTSQuery`), so no user text can turn a search into an SQL error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    var expressions: [String] = []
    if let bm25 = BM25Query.expression(for: text) { expressions.append(bm25) }
    let fts = FTSQuery.expression(for: text)
    if !fts.isEmpty { expressions.append(fts) }
    for match in expressions {
        do { _ = try store.fullTextSearch(match, limit: 3) } catch {
            fatalError("FTS5 refused \(match.debugDescription): \(error)")
        }
    }
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
