@testable import CitedIngest

/// Runs one of ingest's parsers over `bytes` the way `cited ingest` does: from a file, through the format's
/// real entry (`PubMedParser` streams; the others go through `TextFormats`), then the chunker over the result.
/// Errors are expected (most inputs are not valid documents); crashes, hangs and leaks are what is sought.
public func fuzzParser(_ format: FileFormat, _ bytes: UnsafeRawBufferPointer) {
    let suffix: String
    switch format {
    case .pubmed: suffix = ".xml"
    case .jats: suffix = ".nxml"
    case .html: suffix = ".html"
    case .markdown: suffix = ".md"
    case .rst: suffix = ".rst"
    case .tex: suffix = ".tex"
    case .man: suffix = ".1"
    }
    TemporaryFile.with(bytes, suffix: suffix) { path in
        var documents: [ParsedDocument] = []
        do {
            if format == .pubmed {
                try PubMedParser().parse(path: path, displayPath: "fuzz\(suffix)") { event in
                    if case let .article(document) = event { documents.append(document) }
                }
            } else {
                documents = try TextFormats.parse(format: format, path: path, relative: "fuzz\(suffix)",
                                                  display: "fuzz\(suffix)")
            }
        } catch {
            return
        }
        let chunker = Chunker(counter: ApproximateTokenCounter())
        for document in documents { _ = chunker.passages(for: document, path: "fuzz\(suffix)") }
    }
}


/// `fuzzParser` over libFuzzer's input buffer; always 0 (libFuzzer's "keep going").
public func fuzzParser(_ format: FileFormat, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzParser(format, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
