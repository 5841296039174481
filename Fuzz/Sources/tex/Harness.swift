import CitedIngest
import FuzzSupport

/// libFuzzer entry: one input, parsed as a tex file would be by `cited ingest`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzParser(.tex, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Hands `fuzz` to libFuzzer (SwiftPM owns `main`; see `runFuzzer`).
@main enum Harness {
    static func main() { runFuzzer(fuzz) }
}
