import CitedCore
import Foundation

/// Where an index lives: the SQLite folder (the default, embedded) or a PostgreSQL database with pgvector.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    /// An index folder holding `cited.sqlite` (and the vector cache beside it).
    case folder(URL)
    /// `postgres://user[:password]@host[:port]/database[?sslmode=…]`.
    case postgres(URL)

    /// Longest store URL accepted (it comes from flags, the environment or a config file).
    public static let maximumURLLength = 2_048

    /// Parses `--store` / `$CITED_STORE`: a `postgres://` or `postgresql://` URL, else a folder path.
    /// - Throws: `StoreError.badStoreURL` naming the input when it is too long or not a usable URL.
    public init(parsing text: String) throws {
        guard text.utf8.count <= Self.maximumURLLength else {
            throw StoreError.badStoreURL(String(text.prefix(80)) + "…", reason: "longer than \(Self.maximumURLLength) bytes")
        }
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
                throw StoreError.badStoreURL(Self.redacted(text), reason: "expected postgres://user@host:port/database")
            }
            if let port = url.port, !(1...65_535).contains(port) {
                throw StoreError.badStoreURL(Self.redacted(text), reason: "port \(port) out of range")
            }
            let database = url.path.trimmingCharacters(in: ["/"])
            guard !database.isEmpty, !database.contains("/") else {
                throw StoreError.badStoreURL(Self.redacted(text), reason: "no database name after the host")
            }
            self = .postgres(url)
        } else if lowered.contains("://") {
            throw StoreError.badStoreURL(Self.redacted(text), reason: "only postgres:// URLs or folder paths are stores")
        } else {
            self = .folder(URL(fileURLWithPath: text, isDirectory: true))
        }
    }

    public var isPostgres: Bool { if case .postgres = self { true } else { false } }

    /// The location for messages, without any password.
    public var description: String {
        switch self {
        case .folder(let url): url.path
        case .postgres(let url): Self.redacted(url.absoluteString)
        }
    }

    /// `text` with the password of a URL, if any, replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].firstIndex(of: "@") else {
            return text
        }
        let credentials = text[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// A keyword query in the index's own terms: an OR of clauses, each a token, a token prefix, or all of several
/// tokens. Tokens hold only letters, digits, `-` and `_` (see `BM25Query` in CitedRetrieve), so each backend can
/// render them safely (an FTS5 MATCH expression, a PostgreSQL `tsquery`).
public struct KeywordQuery: Equatable, Sendable {
    public enum Clause: Equatable, Sendable {
        /// The token itself.
        case token(String)
        /// Any token starting with this text (`interleukin-` finds `interleukin-6`).
        case prefix(String)
        /// Every one of these tokens (`il-6` also finds "IL 6").
        case all([String])
    }

    public var clauses: [Clause]

    public init(clauses: [Clause]) { self.clauses = clauses }

    /// The FTS5 MATCH expression: quoted tokens joined by `OR`.
    public var fts5Expression: String {
        clauses.map { clause in
            switch clause {
            case .token(let token): "\"\(token)\""
            case .prefix(let prefix): "\"\(prefix)\"*"
            case .all(let tokens): "(" + tokens.map { "\"\($0)\"" }.joined(separator: " AND ") + ")"
            }
        }.joined(separator: " OR ")
    }
}

/// The operations Cited's commands, retrieval, ingest and answers run on an index, whatever holds it.
/// Implemented by `Store` (SQLite, embedded, the default) and `PostgresStore` (CitedPostgres). Every value is
/// bound as a parameter; every method blocks its thread.
public protocol IndexStore: AnyObject, Sendable {
    /// Where the index lives, for messages and `index status` (a file path, or a URL without password).
    var location: String { get }

    // MARK: Documents and passages

    func passage(id: Int64) throws -> PassageRecord
    func document(id: Int64) throws -> DocumentRecord
    /// A document's passages in order.
    func passages(documentID: Int64) throws -> [PassageRecord]
    /// The document a reference (`PMID:…`, DOI, PMCID, `passage:ID`, `path:line`, `path#section`) names, and the
    /// passage it points at (nil: the whole document).
    func resolve(reference: String) throws -> (document: DocumentRecord, passageID: Int64?)
    /// Documents and passages per kind and domain.
    func counts() throws -> [IndexCount]
    /// How many source files the index has read.
    func fileCount() throws -> Int
    /// The chunker versions the documents were cut with.
    func chunkerVersions() throws -> [Int]
    /// How many passages carry instructions to the model.
    func instructionPassageCount() throws -> Int
    /// A value from the index's metadata (`embedder`: the embedder stamp as JSON), if set.
    func meta(_ key: String) throws -> String?

    // MARK: Retrieval

    /// Passage ids allowed by `filter` in ascending order, or nil when nothing is filtered.
    func passageIDs(allowedBy filter: DocumentFilter) throws -> [Int64]?
    /// BM25 over passage text, title and headings, restricted by `filter`; best first, **higher is better**.
    func keywordSearch(_ query: KeywordQuery, limit: Int, filter: DocumentFilter) throws
        -> [(passageID: Int64, score: Double)]
    /// Whether any passage (text, title or heading) holds `term` as a token (or a phrase of tokens).
    func mentions(_ term: String) throws -> Bool
    /// The share of passages mentioning `term`, counted up to `cap` passages.
    func passageShare(mentioning term: String, cap: Int) throws -> Double
    /// In one read: the owners of `ids`, the passages `choose` keeps, and their documents.
    func passagesWithDocuments(ids: [Int64], choose: ([Int64: Int64]) throws -> [Int64]) throws
        -> (passages: [PassageRecord], documents: [Int64: DocumentRecord])
    /// True when the store searches its vectors itself (`nearestPassages`); false: the caller keeps a local copy
    /// (`forEachVector`) and searches that.
    var searchesVectors: Bool { get }
    /// The `limit` passages nearest `vector` by cosine (an approximate index is allowed), restricted by
    /// `filter`; best first, with cosine similarities. Only when `searchesVectors`.
    func nearestPassages(to vector: [Float], limit: Int, filter: DocumentFilter) throws -> [(passageID: Int64, score: Double)]

    // MARK: Vectors

    /// Changes with every vector write (validates a reader's cache).
    func vectorGeneration() throws -> String
    func vectorCount() throws -> Int
    /// Each passage id with its fp32 vector bytes, in id order.
    func forEachVector(_ body: (Int64, UnsafeRawBufferPointer) throws -> Void) throws
    func passagesWithoutVectorCount(in target: VectorTarget) throws -> Int
    /// Up to `limit` passages (id, text) after `after` without a vector in `target`, in id order.
    func passagesWithoutVector(in target: VectorTarget, after: Int64, limit: Int) throws -> [(id: Int64, text: String)]
    /// Writes vectors `(ids.count, dimension)` into `target` in one transaction.
    func writeVectors(ids: [Int64], vectors: [Float], to target: VectorTarget) throws
    /// Prepares the shadow table of an online rebuild (kept when it was being filled for `stamp`).
    func beginVectorRebuild(stamp: EmbedderStamp, stampJSON: String) throws
    /// Swaps the shadow vectors in, in one transaction.
    func finishVectorRebuild(stamp: EmbedderStamp) throws
    func vectorCounts() throws -> VectorCounts

    // MARK: Ingest

    /// Runs `body` with the single writer of one ingest run (it begins and commits its own transactions).
    func withIngestWriter<T>(_ body: (any IngestWriter) throws -> T) throws -> T

    // MARK: Audit log

    /// Stores an answer and returns its id.
    func appendAnswer(_ record: AnswerRecord) throws -> Int64
    func answerCount() throws -> Int
    func answer(id: Int64) throws -> AnswerRecord?
}

/// The writer an ingest run holds: transactions, source files, documents and passages.
public protocol IngestWriter {
    /// True when each file should be committed on its own (many concurrent writers: short transactions hold
    /// their locks briefly); false when files may be batched into larger transactions (one writer).
    var commitsEachFile: Bool { get }
    /// Begins a transaction that holds the write lock.
    func beginImmediateTransaction() throws
    func commit() throws
    /// Runs `body` inside a savepoint: released when it returns, rolled back when it throws.
    func inSavepoint(_ body: () throws -> Void) throws
    /// True when `error` only means another writer got in the way (a deadlock or serialization failure the server
    /// broke): the file, rolled back to its savepoint, may simply be ingested again.
    func isRetryable(_ error: any Error) -> Bool
    /// Claims the file for this transaction, so that no other writer ingests it at the same time (it waits).
    func claimFile(root: String, path: String) throws
    func sourceFile(root: String, path: String) throws -> SourceFileRecord?
    func sourceFiles(root: String) throws -> [SourceFileRecord]
    /// Inserts or updates `file`; sets its id when inserted.
    func save(_ file: inout SourceFileRecord) throws
    func update(_ file: SourceFileRecord) throws
    func deleteSourceFile(id: Int64?) throws
    func storedDocument(key: String) throws -> (id: Int64, contentHash: String, fileID: Int64?)?
    func moveDocument(id: Int64, fileID: Int64, root: String, path: String) throws
    /// The ids of the documents `fileID` holds whose keys are not in `kept` (those the file no longer holds).
    func documents(fileID: Int64, notIn kept: Set<String>) throws -> [Int64]
    func documentCount(fileID: Int64?) throws -> Int
    func deleteDocument(id: Int64) throws
    @discardableResult func deleteDocument(key: String) throws -> Bool
    /// Inserts a document (replacing one with the same key that another writer stored meanwhile); sets its id.
    @discardableResult func insert(document: inout DocumentRecord) throws -> Int64
    /// Writes the queued passages and returns their new ids in order.
    func write(_ batch: inout PassageBatch) throws -> [Int64]
}

extension StoreLocation {
    /// The store a command uses: `--store` (a URL or folder), else `--index`, else `$CITED_STORE`, else
    /// `$CITED_INDEX`, else `[store] url` in `cited.toml` (working directory, then `~/.config/cited/config.toml`),
    /// else `./Index`.
    /// - Throws: `StoreError.badStoreURL` naming the value and where it came from.
    public static func resolve(store: String?, index: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StoreLocation {
        if let store { return try StoreLocation(parsing: store) }
        if let index { return .folder(URL(fileURLWithPath: index, isDirectory: true)) }
        if let value = environment["CITED_STORE"], !value.isEmpty {
            do { return try StoreLocation(parsing: value) } catch let StoreError.badStoreURL(text, reason) {
                throw StoreError.badStoreURL("$CITED_STORE=\(text)", reason: reason)
            }
        }
        if let value = environment["CITED_INDEX"], !value.isEmpty { return .folder(URL(fileURLWithPath: value, isDirectory: true)) }
        var candidates = [URL(fileURLWithPath: "cited.toml")]
        if let home = environment["HOME"] { candidates.append(URL(fileURLWithPath: home).appendingPathComponent(".config/cited/config.toml")) }
        if let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
           let url = try configuredURL(in: file) {
            return try StoreLocation(parsing: url)
        }
        return .folder(URL(fileURLWithPath: "Index", isDirectory: true))
    }

    /// `url` of the `[store]` table of a TOML file (a quoted string), if any.
    static func configuredURL(in file: URL) throws -> String? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        if let size = attributes?[.size] as? Int, size > 1_000_000 {
            throw StoreError.badStoreURL(file.path, reason: "configuration file larger than 1 MB")
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        var section = ""
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.hasPrefix("[") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == "store" else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0] == "url" else { continue }
            guard parts[1].count >= 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else {
                throw StoreError.badStoreURL("\(file.path):\(number + 1)", reason: "[store] url must be a quoted string")
            }
            return String(parts[1].dropFirst().dropLast())
        }
        return nil
    }
}

/// What `cited index export` reads from one store and writes into another (ids kept, so vectors and audit
/// records keep pointing at the same passages).
public protocol IndexCopying {
    /// Up to `limit` source files with ids above `after`, in id order.
    func sourceFiles(after: Int64, limit: Int) throws -> [SourceFileRecord]
    /// Up to `limit` documents with ids above `after`, in id order.
    func documents(after: Int64, limit: Int) throws -> [DocumentRecord]
    /// The passages of these documents, in id order.
    func passages(documentIDs: [Int64]) throws -> [PassageRecord]
    /// Up to `limit` audit records with ids above `after`, in id order.
    func answers(after: Int64, limit: Int) throws -> [AnswerRecord]
    /// Writes records with their ids (into an index that has none of them), in one transaction.
    func importRecords(files: [SourceFileRecord], documents: [DocumentRecord], passages: [PassageRecord]) throws
}
