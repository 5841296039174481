import CitedCore
import CitedModel
import Foundation

/// Keeps the KV entries of a fixed prompt prefix (system prompt, instructions) in memory and on disk, so a
/// prompt that starts with it prefills only the rest: llama.cpp's prompt cache, for a cold `cited ask`.
///
/// The prefix is always run as a batch of its own, hit or miss, so an answer is the same token for token
/// whether or not the cache had it (an audit replay does not depend on the cache's state).
public final class PromptCache {
    /// Folder of `.kv` files (nil: memory only).
    public let directory: URL?
    /// At most this many files are kept; the oldest go first.
    public let capacity: Int
    private var recent: KVSnapshot?

    public init(directory: URL?, capacity: Int = 16) {
        self.directory = directory
        self.capacity = capacity
    }

    /// The default folder: `$CITED_HOME/prompt-cache`.
    public static func standard(home: CitedHome = CitedHome()) -> PromptCache {
        PromptCache(directory: home.root.appendingPathComponent("prompt-cache", isDirectory: true))
    }

    /// Leaves `model`'s cache holding `prompt[..<prefixLength]` (restored, or run and saved) and returns
    /// how many tokens that is: 0 when the prefix is empty or is the whole prompt.
    public func prepare(_ model: LanguageModel, prompt: [Int32], prefixLength: Int) throws -> Int {
        guard prefixLength > 0, prefixLength < prompt.count else { return 0 }
        let prefix = Array(prompt[..<prefixLength])
        if let recent, recent.tokens == prefix {
            try model.restore(recent)
            return prefixLength
        }
        let file = directory?.appendingPathComponent(Self.key(model: model, tokens: prefix) + ".kv")
        if let file, let saved = try? Self.read(file), saved.tokens == prefix, (try? model.restore(saved)) != nil {
            recent = saved
            return prefixLength
        }
        model.reset()
        try model.forward(prefix)
        let snapshot = model.snapshot(of: prefix)
        recent = snapshot
        if let file { try? save(snapshot, to: file) }
        return prefixLength
    }

    /// How many of `prompt`'s ids are those of `head`, the separately tokenized text of its fixed start
    /// (a BPE merge may cross the cut, so the two can part a token or so early).
    public static func sharedLength(of prompt: [Int32], head: [Int32]) -> Int {
        zip(prompt, head).prefix { $0 == $1 }.count
    }

    /// Names a prefix by the model file (path, size, modification time) and its token ids.
    static func key(model: LanguageModel, tokens: [Int32]) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: model.url.path)
        let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        var identity = Data("\(model.url.path)\u{0}\(size)\u{0}\(modified)\u{0}".utf8)
        tokens.withUnsafeBytes { identity.append(contentsOf: $0) }
        return model.name + "-" + String(SHA256.hex(of: identity).prefix(24))
    }

    static let magic = Data("CITEDKV1".utf8)

    /// Little-endian: magic, layers, KV heads, head size, token count (UInt32 each), tokens, f16 entries.
    static func encode(_ snapshot: KVSnapshot) -> Data {
        var data = magic
        for value in [snapshot.layers, snapshot.kvHeads, snapshot.headDimension, snapshot.tokens.count] {
            withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) }
        }
        snapshot.tokens.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        snapshot.entries.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func decode(_ data: Data) -> KVSnapshot? {
        guard data.count >= magic.count + 16, data.prefix(magic.count) == magic else { return nil }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int {
            Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
        }
        let base = magic.count
        let (layers, heads, size, count) = (u32(base), u32(base + 4), u32(base + 8), u32(base + 12))
        let entryCount = 2 * layers * heads * size * count
        let tokensAt = base + 16, entriesAt = tokensAt + 4 * count
        guard bytes.count == entriesAt + 2 * entryCount else { return nil }
        let tokens = (0..<count).map { Int32(bitPattern: UInt32(truncatingIfNeeded: u32(tokensAt + 4 * $0))) }
        let entries = (0..<entryCount).map { UInt16(bytes[entriesAt + 2 * $0]) | UInt16(bytes[entriesAt + 2 * $0 + 1]) << 8 }
        return KVSnapshot(tokens: tokens, layers: layers, kvHeads: heads, headDimension: size, entries: entries)
    }

    static func read(_ file: URL) throws -> KVSnapshot? {
        decode(try Data(contentsOf: file, options: .mappedIfSafe))
    }

    /// Writes atomically (temporary file, then rename), then trims the folder to `capacity` files.
    func save(_ snapshot: KVSnapshot, to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.encode(snapshot).write(to: file, options: .atomic)
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.contentModificationDateKey]))?
            .filter { $0.pathExtension == "kv" } ?? []
        guard files.count > capacity else { return }
        let dated = files.map { ($0, (try? $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast) }
        for (old, _) in dated.sorted(by: { $0.1 < $1.1 }).prefix(files.count - capacity) {
            try? FileManager.default.removeItem(at: old)
        }
    }
}
