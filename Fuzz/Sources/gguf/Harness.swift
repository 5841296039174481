import CitedModel
import CitedTokenizer
import Foundation
import FuzzSupport

/// libFuzzer entry: the input as a GGUF model file. A file the reader accepts must keep its promises: every
/// tensor's bytes lie inside the mapping (first and last byte touched), and the tokenizer, chat template and
/// model configuration are read from its metadata as `cited` would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    TemporaryFile.with(UnsafeRawBufferPointer(start: data, count: size), suffix: ".gguf") { path in
        guard let file = try? GGUFFile(url: URL(fileURLWithPath: path)) else { return }
        var sum: UInt8 = 0
        for tensor in file.tensors where tensor.byteCount > 0 {
            require(tensor.byteCount == tensor.type.rowBytes(tensor.columns) * tensor.rows, "byte count")
            sum &+= tensor.data.load(as: UInt8.self)
            sum &+= tensor.data.load(fromByteOffset: tensor.byteCount - 1, as: UInt8.self)
        }
        _ = sum
        _ = try? LlamaConfiguration(gguf: file)
        _ = try? ChatTemplate(gguf: file)
        if let tokenizer = try? BPETokenizer(gguf: file) {
            _ = tokenizer.decode(tokenizer.encode("Hello, world! 10 mg\n"))
        }
    }
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
