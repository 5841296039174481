import CitedIngest
import FuzzSupport

/// fuzz-pubmed: each input read as a PubMed XML file is by `cited ingest` (libFuzzer's main also links this symbol).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzParser(.pubmed, data, size) }

@main enum Harness { static func main() { runFuzzer(fuzz) } }
