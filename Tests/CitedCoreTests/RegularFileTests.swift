import Foundation
import Testing
@testable import CitedCore

@Suite("Regular files only")
struct RegularFileTests {
    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cited-core-\(UUID().uuidString)-\(name)")
    }

    @Test("a file's bytes are read whole: empty, small and across read calls")
    func contents() throws {
        for size in [0, 1, 4097, 1 << 20] {
            let url = temporary("data")
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(try RegularFile.contents(url.path) == bytes)
        }
    }

    @Test("a FIFO, a folder, a missing path and a file over the cap are refused, without blocking")
    func refused() throws {
        let fifo = temporary("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let pipe = #expect(throws: RegularFile.Failure.self) { try RegularFile.contents(fifo.path) }
        #expect(pipe?.reason == "not a regular file")
        let folder = #expect(throws: RegularFile.Failure.self) {
            try RegularFile.openDescriptor(FileManager.default.temporaryDirectory.path)
        }
        #expect(folder?.reason == "not a regular file")
        #expect(throws: RegularFile.Failure.self) { try RegularFile.contents(temporary("missing").path) }
        let big = temporary("big")
        try Data(count: 100).write(to: big)
        defer { try? FileManager.default.removeItem(at: big) }
        let error = #expect(throws: RegularFile.Failure.self) { try RegularFile.contents(big.path, maxBytes: 99) }
        #expect(error?.description == "\(big.path): larger than 99 bytes")
    }
}
