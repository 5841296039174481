import CitedIngest
import FuzzSupport

/// fuzz-tex: each input read as a LaTeX file is by `cited ingest` (libFuzzer's main also links this symbol).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzParser(.tex, data, size) }

@main enum Harness { static func main() { runFuzzer(fuzz) } }
