import CitedCore
import Foundation

/// Finds an embedder's checkpoint folder from a cache name (`minilm`) or a path.
public enum EmbedderLocator {
    /// The embedder used when an index names none.
    public static let defaultName = "minilm"

    /// A folder path if `spec` is one, else the cache folder of that name.
    public static func directory(_ spec: String, home: CitedHome = CitedHome()) -> URL {
        var isDirectory: ObjCBool = false
        if spec.contains("/") || FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) && isDirectory.boolValue {
            return URL(fileURLWithPath: spec, isDirectory: true)
        }
        return home.models.appendingPathComponent(spec, isDirectory: true)
    }
}
