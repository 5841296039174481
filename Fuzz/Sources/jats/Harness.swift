import CitedIngest
import FuzzSupport

/// fuzz-jats: each input read as a JATS (PMC) article is by `cited ingest` (libFuzzer's main also links this symbol).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzParser(.jats, data, size) }

@main enum Harness { static func main() { runFuzzer(fuzz) } }
