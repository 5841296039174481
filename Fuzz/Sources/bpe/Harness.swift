import CitedModel
@testable import CitedTokenizer
import Foundation
import FuzzSupport

/// The generator's tokenizer (SmolLM2-135M's GGUF vocabulary and merges), loaded once per process.
let tokenizer: BPETokenizer = {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
    let path = ProcessInfo.processInfo.environment["CITED_FUZZ_GGUF"]
        ?? "\(home)/.cache/cited/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf"
    do { return try BPETokenizer(gguf: GGUFFile(url: URL(fileURLWithPath: path))) } catch {
        fatalError("fuzz-bpe needs SmolLM2-135M (cited models fetch smollm2-135m): \(error)")
    }
}()

/// Bytes the vocabulary has a token for. SmolLM2's lacks 21 of the 256 (4, 6, 19, 20, 22, 29, 192, 193, 241,
/// 242, 245–255): llama.cpp drops such bytes when encoding, and so does Cited.
let representable: [Bool] = BPETokenizer.byteTable().map { tokenizer.id(of: String($0)) != nil }

/// libFuzzer entry: byte-level BPE is lossless, so a text whose bytes all have tokens, encoded without specials,
/// decodes to itself, in one piece and through the streaming decoder; with specials parsed every id is in range.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
    let lossless = text.utf8.allSatisfy { representable[Int($0)] }
    require(!lossless || tokenizer.decode(ids) == text, "round trip changed \(text.debugDescription)")
    var stream = StreamingDecoder(tokenizer: tokenizer)
    var streamed = ""
    for id in ids { streamed += stream.append(id) }
    streamed += stream.flush()
    require(!lossless || streamed == text, "streaming decode changed \(text.debugDescription)")
    let special = tokenizer.encode(text)
    require(special.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "id out of range")
    _ = tokenizer.decode(special, special: true)
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
