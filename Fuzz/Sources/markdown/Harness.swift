import CitedIngest
import FuzzSupport

/// fuzz-markdown: each input read as a Markdown file is by `cited ingest` (libFuzzer's main also links this symbol).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { fuzzParser(.markdown, data, size) }

@main enum Harness { static func main() { runFuzzer(fuzz) } }
