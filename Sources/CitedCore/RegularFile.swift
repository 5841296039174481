import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening files Cited did not write (model weights, tokenizer vocabularies, documents): only regular files,
/// and without blocking, so a FIFO or a device named like a model or a vocabulary is refused, not waited on.
public enum RegularFile {
    /// Why a path could not be opened or read; `reason` is a short phrase such as "not a regular file".
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Opens `path` read-only and returns the descriptor (the caller closes it) and the file's size.
    ///
    /// `O_NONBLOCK` makes opening a FIFO return at once; it is then refused by `fstat`, on the descriptor
    /// (not the name, which could be swapped between a check and the open).
    /// - Throws: `Failure` when the path cannot be opened or is not a regular file.
    public static func openDescriptor(_ path: String) throws -> (descriptor: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(path: path, reason: reason)
        }
        guard st.st_mode & 0o170000 == 0o100000 else {  // S_ISREG
            close(fd)
            throw Failure(path: path, reason: "not a regular file")
        }
        guard let size = Int(exactly: st.st_size) else {
            close(fd)
            throw Failure(path: path, reason: "bad file size")
        }
        return (fd, size)
    }

    /// The whole content of the regular file at `path`, at most `maxBytes` bytes.
    /// - Throws: `Failure` when it is not a regular file, cannot be read, or is larger than `maxBytes`.
    public static func contents(_ path: String, maxBytes: Int = Int.max) throws -> [UInt8] {
        let (fd, size) = try openDescriptor(path)
        defer { close(fd) }
        guard size <= maxBytes else { throw Failure(path: path, reason: "larger than \(maxBytes) bytes") }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, size - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }  // the file shrank while being read
            filled += n
        }
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }
}
