import CitedCore
import Foundation

/// Finds a generator's GGUF file from a cache name (`qwen2.5-coder-0.5b`) or a path.
public enum LanguageModelLocator {
    /// Generator names known to the cache, fastest first.
    public static let knownNames = ["smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"]
    /// The model `cited generate` uses when none is named.
    public static let defaultName = "qwen2.5-coder-0.5b"

    /// A path to an existing file, or the single `.gguf` in the cache folder of that name.
    public static func resolve(_ nameOrPath: String, home: CitedHome = CitedHome()) throws -> URL {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: nameOrPath, isDirectory: &isDir) {
            let url = URL(fileURLWithPath: nameOrPath)
            return isDir.boolValue ? try single(in: url, name: nameOrPath) : url
        }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".gguf") {
            throw GGUFError.cannotOpen(file: nameOrPath, reason: "no such file")
        }
        return try single(in: home.models.appendingPathComponent(nameOrPath, isDirectory: true), name: nameOrPath)
    }

    private static func single(in dir: URL, name: String) throws -> URL {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let ggufs = files.filter { $0.hasSuffix(".gguf") }.sorted()
        guard let first = ggufs.first else {
            throw GGUFError.cannotOpen(file: dir.path, reason:
                "model '\(name)' is not in the cache (known: \(knownNames.joined(separator: ", ")); "
                + "fetch it with `cited models fetch \(name)`)")
        }
        return dir.appendingPathComponent(first)
    }
}
