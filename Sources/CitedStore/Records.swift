import CitedCore
import Foundation
import GRDB

/// What a document carries besides its columns: authors, MeSH, publication types, corrections.
public struct DocumentMetadata: Codable, Hashable, Sendable {
    /// One MeSH descriptor with its major-topic flag (true if the descriptor or any qualifier is major).
    public struct MeshHeading: Codable, Hashable, Sendable {
        public var descriptor: String
        public var major: Bool
        public var qualifiers: [String]

        public init(descriptor: String, major: Bool, qualifiers: [String] = []) {
            self.descriptor = descriptor
            self.major = major
            self.qualifiers = qualifiers
        }
    }

    public var authors: [String]
    public var mesh: [MeshHeading]
    public var publicationTypes: [String]
    public var keywords: [String]
    /// Other article ids by type (`pii`, `mid`, …) beyond the pmid/pmcid/doi columns.
    public var articleIDs: [String: String]
    /// True when the record is a retracted publication or has a `RetractionIn` correction.
    public var retracted: Bool
    /// References from `CommentsCorrections RefType="RetractionIn"` (PMIDs or source text).
    public var retractionIn: [String]
    /// References from `CommentsCorrections RefType="ErratumIn"`.
    public var erratumIn: [String]

    public init(authors: [String] = [], mesh: [MeshHeading] = [], publicationTypes: [String] = [],
                keywords: [String] = [], articleIDs: [String: String] = [:], retracted: Bool = false,
                retractionIn: [String] = [], erratumIn: [String] = []) {
        self.authors = authors
        self.mesh = mesh
        self.publicationTypes = publicationTypes
        self.keywords = keywords
        self.articleIDs = articleIDs
        self.retracted = retracted
        self.retractionIn = retractionIn
        self.erratumIn = erratumIn
    }
}

extension DocumentMetadata {
    /// The JSON GRDB would write for this value (keys sorted), built by hand in UTF-8: it is on the ingest
    /// hot path.
    public var json: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func raw(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func string(_ value: String) {
            out.append(0x22)
            for byte in value.utf8 {
                switch byte {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case ..<0x20:
                    raw("\\u00")
                    out.append(Self.hexDigits[Int(byte >> 4)])
                    out.append(Self.hexDigits[Int(byte & 0xF)])
                default:
                    out.append(byte)
                }
            }
            out.append(0x22)
        }
        func strings(_ values: [String]) {
            out.append(0x5B)
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(0x2C) }
                string(value)
            }
            out.append(0x5D)
        }
        func bool(_ value: Bool) { value ? raw("true") : raw("false") }
        raw("{\"articleIDs\":{")
        for (i, key) in articleIDs.keys.sorted().enumerated() {
            if i > 0 { out.append(0x2C) }
            string(key)
            out.append(0x3A)
            string(articleIDs[key]!)
        }
        raw("},\"authors\":"); strings(authors)
        raw(",\"erratumIn\":"); strings(erratumIn)
        raw(",\"keywords\":"); strings(keywords)
        raw(",\"mesh\":[")
        for (i, heading) in mesh.enumerated() {
            if i > 0 { out.append(0x2C) }
            raw("{\"descriptor\":"); string(heading.descriptor)
            raw(",\"major\":"); bool(heading.major)
            raw(",\"qualifiers\":"); strings(heading.qualifiers)
            out.append(0x7D)
        }
        raw("],\"publicationTypes\":"); strings(publicationTypes)
        raw(",\"retracted\":"); bool(retracted)
        raw(",\"retractionIn\":"); strings(retractionIn)
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// A file seen under an ingest root; its hash is written last, so a file is "done" only when it is set.
public struct SourceFileRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "source_file"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64?
    /// Absolute path of the ingest root the file was found under.
    public var root: String
    /// Path relative to `root`.
    public var path: String
    public var size: Int64
    /// The file's modification time (seconds since 1970); with `size`, a cheap unchanged check.
    public var modifiedAt: Double
    /// SHA-256 of the file's bytes (hex), then `-` and the domain override (`auto`, `math`, …).
    public var contentHash: String
    public var chunkerVersion: Int
    public var ingestedAt: Date

    public init(id: Int64? = nil, root: String, path: String, size: Int64, modifiedAt: Double, contentHash: String,
                chunkerVersion: Int, ingestedAt: Date = Date()) {
        self.id = id
        self.root = root
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
        self.contentHash = contentHash
        self.chunkerVersion = chunkerVersion
        self.ingestedAt = ingestedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One document: a PubMed citation, a PMC article, a doc page or a math note.
public struct DocumentRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "document"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public static let passages = hasMany(PassageRecord.self)

    public var id: Int64?
    /// Unique identity: `PMID:123`, `PMC456`, or `file:/abs/root//relative/path`.
    public var key: String
    public var kind: DocumentKind
    public var domain: Domain
    /// The `source_file` row it was read from (several PubMed documents share one file).
    public var fileId: Int64?
    /// Absolute path of the ingest root.
    public var root: String
    /// Path of the file relative to `root`.
    public var path: String
    public var pmid: String?
    public var pmcid: String?
    public var doi: String?
    public var title: String
    public var year: Int?
    public var journal: String?
    public var language: String?
    public var metadata: DocumentMetadata
    /// SHA-256 (hex) of the parsed content and chunker version, then `-domain`: equal means nothing to write.
    public var contentHash: String
    public var chunkerVersion: Int
    public var ingestedAt: Date

    public init(id: Int64? = nil, key: String, kind: DocumentKind, domain: Domain, fileId: Int64? = nil,
                root: String, path: String, pmid: String? = nil, pmcid: String? = nil, doi: String? = nil,
                title: String, year: Int? = nil, journal: String? = nil, language: String? = nil,
                metadata: DocumentMetadata = DocumentMetadata(), contentHash: String, chunkerVersion: Int,
                ingestedAt: Date = Date()) {
        self.id = id
        self.key = key
        self.kind = kind
        self.domain = domain
        self.fileId = fileId
        self.root = root
        self.path = path
        self.pmid = pmid
        self.pmcid = pmcid
        self.doi = doi
        self.title = title
        self.year = year
        self.journal = journal
        self.language = language
        self.metadata = metadata
        self.contentHash = contentHash
        self.chunkerVersion = chunkerVersion
        self.ingestedAt = ingestedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A retrievable span of a document, at most the embedder's token limit.
public struct PassageRecord: Codable, Hashable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "passage"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public static let document = belongsTo(DocumentRecord.self)

    public var id: Int64?
    public var documentId: Int64
    /// Position in the document, from 0.
    public var ordinal: Int
    public var text: String
    /// Headings from the outermost in, joined by `" > "` (e.g. `Abstract > RESULTS`).
    public var headingPath: String
    /// Where in the document, as shown to the user: `Abstract §RESULTS`, `§Methods ¶3`, `a/b.rst:10-20 (x)`.
    public var locator: String
    /// 1-based inclusive line range in the source file, when the format has lines.
    public var startLine: Int?
    public var endLine: Int?
    /// Character range (UTF-16 offsets into the document's extracted text), when lines do not apply.
    public var startChar: Int?
    public var endChar: Int?
    /// Tokens including the embedder's special tokens.
    public var tokenCount: Int
    /// True when the text carries instructions to the model (`InstructionDetector`): untrusted evidence.
    public var hasInstructions: Bool

    public init(id: Int64? = nil, documentId: Int64 = 0, ordinal: Int, text: String, headingPath: String,
                locator: String, startLine: Int? = nil, endLine: Int? = nil, startChar: Int? = nil,
                endChar: Int? = nil, tokenCount: Int, hasInstructions: Bool = false) {
        self.id = id
        self.documentId = documentId
        self.ordinal = ordinal
        self.text = text
        self.headingPath = headingPath
        self.locator = locator
        self.startLine = startLine
        self.endLine = endLine
        self.startChar = startChar
        self.endChar = endChar
        self.tokenCount = tokenCount
        self.hasInstructions = hasInstructions
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DocumentKind: DatabaseValueConvertible {}
extension Domain: DatabaseValueConvertible {}

// Rows decoded column by column: GRDB's `Decodable` path converts every key from snake case and boxes every
// value, which took a quarter of a served search's CPU (hydrating hits). Same columns, same values, same
// errors for a missing or NULL required column; `metadata` through the decoder GRDB would use.
extension DocumentRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        key = try row.decode(forColumn: "key")
        kind = try row.decode(forColumn: "kind")
        domain = try row.decode(forColumn: "domain")
        fileId = try row.decode(forColumn: "file_id")
        root = try row.decode(forColumn: "root")
        path = try row.decode(forColumn: "path")
        pmid = try row.decode(forColumn: "pmid")
        pmcid = try row.decode(forColumn: "pmcid")
        doi = try row.decode(forColumn: "doi")
        title = try row.decode(forColumn: "title")
        year = try row.decode(forColumn: "year")
        journal = try row.decode(forColumn: "journal")
        language = try row.decode(forColumn: "language")
        let json: String = try row.decode(forColumn: "metadata")
        metadata = try Self.databaseJSONDecoder(for: "metadata").decode(DocumentMetadata.self, from: Data(json.utf8))
        contentHash = try row.decode(forColumn: "content_hash")
        chunkerVersion = try row.decode(forColumn: "chunker_version")
        ingestedAt = try row.decode(forColumn: "ingested_at")
    }
}

extension PassageRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        documentId = try row.decode(forColumn: "document_id")
        ordinal = try row.decode(forColumn: "ordinal")
        text = try row.decode(forColumn: "text")
        headingPath = try row.decode(forColumn: "heading_path")
        locator = try row.decode(forColumn: "locator")
        startLine = try row.decode(forColumn: "start_line")
        endLine = try row.decode(forColumn: "end_line")
        startChar = try row.decode(forColumn: "start_char")
        endChar = try row.decode(forColumn: "end_char")
        tokenCount = try row.decode(forColumn: "token_count")
        hasInstructions = try row.decode(forColumn: "has_instructions")
    }
}
