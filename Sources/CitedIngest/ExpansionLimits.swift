import Foundation

/// Bounds on what one input file may expand to: decompressed bytes (`.gz`), and their ratio to the file's size.
///
/// A gzip stream can expand about 1000×; a 2 MB "bomb" would otherwise become 2 GB in memory.
public struct ExpansionLimits: Sendable, Equatable {
    /// Most bytes a compressed file may decompress to (default 4 GB; `CITED_MAX_EXPANDED_BYTES`).
    public var maxExpandedBytes: Int64
    /// Most decompressed bytes per byte of file (default 200; `CITED_MAX_EXPANSION_RATIO`).
    public var maxRatio: Double
    /// Decompressed sizes up to this many bytes are never refused by ratio (tiny files compress very well).
    public var ratioFloorBytes: Int64

    public static let environmentBytesKey = "CITED_MAX_EXPANDED_BYTES"
    public static let environmentRatioKey = "CITED_MAX_EXPANSION_RATIO"

    public init(maxExpandedBytes: Int64 = 4 << 30, maxRatio: Double = 200, ratioFloorBytes: Int64 = 1 << 20) {
        self.maxExpandedBytes = maxExpandedBytes
        self.maxRatio = maxRatio
        self.ratioFloorBytes = ratioFloorBytes
    }

    /// The defaults, overridden by `CITED_MAX_EXPANDED_BYTES` and `CITED_MAX_EXPANSION_RATIO` when set.
    /// - Throws: `IngestError.badSetting` when a variable is not a positive number.
    public init(environment: [String: String]) throws {
        self.init()
        if let text = environment[Self.environmentBytesKey] {
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw IngestError.badSetting(name: Self.environmentBytesKey, value: text,
                                             reason: "must be a positive number of bytes")
            }
            maxExpandedBytes = value
        }
        if let text = environment[Self.environmentRatioKey] {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 1 else {
                throw IngestError.badSetting(name: Self.environmentRatioKey, value: text,
                                             reason: "must be a number ≥ 1")
            }
            maxRatio = value
        }
    }

    /// Why `expanded` bytes read so far from a file of `fileSize` bytes break a limit, or nil. Both limits are on
    /// decompression: a plain file never exceeds its own size, and is not refused for being large.
    func violation(expanded: Int64, fileSize: Int64) -> String? {
        guard expanded > fileSize else { return nil }
        if expanded > maxExpandedBytes {
            return "expands to more than \(maxExpandedBytes) bytes (limit; set \(Self.environmentBytesKey))"
        }
        if expanded > ratioFloorBytes, Double(expanded) > maxRatio * Double(max(fileSize, 1)) {
            return "expands more than \(Self.format(maxRatio))× its \(fileSize) bytes (limit; set \(Self.environmentRatioKey))"
        }
        return nil
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }
}

/// Limits for XML documents, whatever libxml2's own defaults are.
enum XMLLimits {
    /// Deepest element nesting accepted (libxml2 without `XML_PARSE_HUGE` stops at the same depth).
    static let maxDepth = 256
    /// Most bytes of text that internal entity references may expand to, per document.
    static let maxEntityBytes = 1 << 24
    /// Deepest nesting of entity references inside entity references.
    static let maxEntityNesting = 32
    /// Most text one streamed element (a PubMed `AbstractText`, `ArticleTitle`, …) may hold.
    static let maxElementTextBytes = 16 << 20
    /// Longest section title kept in a heading path.
    static let maxHeadingCharacters = 512
}
