import Foundation
import Testing
@testable import CitedIngest

/// Regression tests for what `Benchmarks/fuzz.sh` found (see Benchmarks/RESULTS.md, "Fuzzing").
@Suite("Fuzz findings: ingest")
struct FuzzFindingTests {
    /// fuzz-html/-markdown/-rst/-tex, first seconds: LeakSanitizer, 4096 bytes per empty file, leaked by
    /// `FileManager.contents(atPath:)`; the whole-file formats now read through `RegularFile.contents`.
    @Test("an empty file of each whole-file format is reported empty", arguments: [
        (FileFormat.markdown, "e.md"), (.rst, "e.rst"), (.tex, "e.tex"), (.html, "e.html"),
    ])
    func emptyFile(format: FileFormat, name: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data().write(to: url)
        #expect(try FileText.bytes(path: url.path, displayPath: name).isEmpty)
        let error = #expect(throws: IngestError.self) {
            try TextFormats.parse(format: format, path: url.path, relative: name, display: name)
        }
        #expect(error?.description == "\(name):0: empty file", "\(String(describing: error))")
    }

    @Test("a plain file's bytes are read whole, unchanged")
    func plainBytes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.md")
        let bytes = Array("# Title\n\nText é 😀\n".utf8) + [UInt8](repeating: 0x61, count: 70_000)
        try Data(bytes).write(to: url)
        #expect(try FileText.bytes(path: url.path, displayPath: "a.md") == bytes)
    }
}
