import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One scratch file per fuzzing process, rewritten for each input: Cited's readers take paths (they stream,
/// gunzip or memory-map), so the harnesses go through the same `open` the product does.
public enum TemporaryFile {
    /// The scratch path for `suffix` (in `/dev/shm` when it exists: no disk writes per execution).
    public static func path(suffix: String) -> String {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/cited-fuzz-\(getpid())\(suffix)"
    }

    /// Writes `bytes` to the scratch path for `suffix` and calls `body` with it.
    public static func with(_ bytes: UnsafeRawBufferPointer, suffix: String, _ body: (String) -> Void) {
        let path = path(suffix: suffix)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var written = 0
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            precondition(n > 0, "cannot write \(path)")
            written += n
        }
        close(fd)
        body(path)
    }
}
