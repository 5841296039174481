import CLibXML2
import CitedCore
import Foundation

/// A file's bytes as a stream, gunzipped on the fly (zlib, across members) and counted against
/// `ExpansionLimits`: nothing is decompressed into memory whole, and nothing is decompressed twice.
///
/// Parsers read it through `read(into:)` (text formats) or as libxml2 I/O callbacks (`xmlReaderForIO`,
/// `xmlReadIO`); the first failure (damaged gzip data, a limit) is kept in `failure` for the error message.
final class LimitedInput {
    let displayPath: String
    let fileSize: Int64
    let limits: ExpansionLimits
    /// Bytes handed out so far (after decompression).
    private(set) var expanded: Int64 = 0
    /// Why reading stopped early, if it did.
    private(set) var failure: IngestError?
    /// zlib's reader: gunzips a gzip file, every member of it (libxml2's own gzip input stopped after the first
    /// member and parsed the next one's header as text), and reads any other file as it is.
    private let file: gzFile

    /// Opens `path` (a regular file; gzip data is expanded whatever the name).
    init(path: String, displayPath: String, limits: ExpansionLimits) throws {
        self.displayPath = displayPath
        self.limits = limits
        let opened: (descriptor: Int32, size: Int)
        do { opened = try RegularFile.openDescriptor(path) } catch let failure as RegularFile.Failure {
            throw IngestError.unreadable(path: displayPath, reason: failure.reason)  // a FIFO would block
        }
        fileSize = Int64(opened.size)
        guard let file = gzdopen(opened.descriptor, "rb") else {
            close(opened.descriptor)
            throw IngestError.unreadable(path: displayPath, reason: "cannot open")
        }
        gzbuffer(file, 1 << 16)
        self.file = file
    }

    deinit { gzclose(file) }

    /// Fills `out` from the start; returns the byte count (0 at the end).
    /// - Throws: `IngestError` for damaged compressed data or a broken limit.
    func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = readRaw(into: out)
        if count < 0 { throw failure ?? IngestError.unreadable(path: displayPath, reason: "read error") }
        return count
    }

    /// Like `read(into:)`, but records the failure and returns -1 (for libxml2's callbacks).
    func readRaw(into out: UnsafeMutableRawBufferPointer) -> Int {
        if failure != nil { return -1 }
        guard let base = out.baseAddress, out.count > 0 else { return 0 }
        let count = Int(gzread(file, base, UInt32(min(out.count, 1 << 30))))
        var code: Int32 = 0
        _ = gzerror(file, &code)  // a truncated stream ends like a file (the count) but leaves Z_BUF_ERROR here
        if count < 0 || code != Z_OK {
            failure = .unreadable(path: displayPath, reason: "corrupt or truncated gzip data")
            return -1
        }
        expanded += Int64(count)
        if let reason = limits.violation(expanded: expanded, fileSize: fileSize) {
            failure = .tooLarge(path: displayPath, reason: reason)
            return -1
        }
        return count
    }

    /// libxml2 I/O callbacks reading this input; the context is unretained (the caller keeps `self` alive
    /// until the libxml2 reader or document is freed).
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let ioRead: xmlInputReadCallback = { context, buffer, length in
        guard let context, let buffer, length > 0 else { return 0 }
        let input = Unmanaged<LimitedInput>.fromOpaque(context).takeUnretainedValue()
        return Int32(input.readRaw(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
    }

    static let ioClose: xmlInputCloseCallback = { _ in 0 }
}
