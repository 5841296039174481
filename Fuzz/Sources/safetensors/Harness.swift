import CitedModel
import Foundation
import FuzzSupport

/// libFuzzer entry: the input as a safetensors file. Every tensor the reader accepts is looked up and, when
/// small, read in full (its bytes must lie inside the file).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    TemporaryFile.with(UnsafeRawBufferPointer(start: data, count: size), suffix: ".safetensors") { path in
        guard let file = try? SafetensorsFile(url: URL(fileURLWithPath: path)) else { return }
        for (name, info) in file.tensors {
            require(info.range.lowerBound >= 0 && info.range.upperBound <= size, "tensor outside the file")
            _ = try? file.info(name, shape: info.shape)
            _ = try? file.f32View(name)
            if info.range.count <= 1 << 16 { _ = try? file.floats(name) }
        }
    }
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
