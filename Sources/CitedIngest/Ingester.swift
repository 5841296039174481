import CitedCore
import CitedStore
import CLibXML2
import Foundation
import Logging

/// Settings for an ingest run.
public struct IngestOptions: Sendable {
    /// Overrides every document's domain; nil keeps the detected one.
    public var domain: Domain?
    /// Removes documents whose files vanished under the given roots.
    public var prune: Bool
    /// Commit after this many passages (a file is never split across transactions).
    public var passagesPerTransaction: Int
    /// Commit at least this often.
    public var secondsPerTransaction: Double
    /// Follow symbolic links met while walking folders (each folder is entered once: links cannot loop);
    /// when false they are skipped with a warning.
    public var followSymlinks: Bool
    /// Bounds on decompressed input.
    public var limits: ExpansionLimits
    /// This worker's share of the files (`--shard i/n`); nil: every file.
    public var shard: IngestShard?

    public init(domain: Domain? = nil, prune: Bool = false, passagesPerTransaction: Int = 20_000,
                secondsPerTransaction: Double = 2, followSymlinks: Bool = false,
                limits: ExpansionLimits = ExpansionLimits(), shard: IngestShard? = nil) {
        self.shard = shard
        self.domain = domain
        self.prune = prune
        self.passagesPerTransaction = passagesPerTransaction
        self.secondsPerTransaction = secondsPerTransaction
        self.followSymlinks = followSymlinks
        self.limits = limits
    }
}

/// Reads files into the store: incremental (content hashes), idempotent (unique keys), crash-safe
/// (each file inside one savepoint of a batched transaction: it is all written or not at all).
public final class Ingester {
    /// Nil only for `dryRun`, which never writes.
    public let store: (any IndexStore)?
    public let chunker: Chunker
    public let options: IngestOptions
    private let logger: Logger

    public init(store: (any IndexStore)?, chunker: Chunker, options: IngestOptions = IngestOptions(),
                logger: Logger = Logger(label: "cited.ingest")) {
        self.store = store
        self.chunker = chunker
        self.options = options
        self.logger = logger
    }

    /// A root and the files found under it (relative paths, sorted).
    struct Root {
        var path: String
        var files: [(relative: String, size: Int64)]
        var isDirectory: Bool
        /// The path as the user wrote it, to name files in messages.
        var given: String
        /// One `path: reason` per directory, file or link skipped while walking.
        var warnings: [String] = []
        /// Files of a known format that are there but were skipped (unreadable, special), and folders that could
        /// not be listed: `--prune` keeps what was ingested from them.
        var skipped: [String] = []
        var skippedFolders: [String] = []

        /// `path:line` prefix for a file: the user's spelling of the root plus the relative path.
        func display(_ relative: String) -> String {
            isDirectory ? (given.hasSuffix("/") ? given + relative : given + "/" + relative) : given
        }
    }

    /// Ingests every supported file under `paths`; errors in a file skip that file and are reported.
    public func ingest(paths: [String], progress: ((IngestProgress) -> Void)? = nil,
                       onError: (IngestError) -> Void) throws -> IngestSummary {
        let started = Date()
        silenceLibXML2()
        var summary = IngestSummary()
        var roots: [Root] = []
        for path in paths {
            do {
                var root = try discover(path)
                if let shard = options.shard { root.files = root.files.filter { shard.owns($0.relative) } }
                summary.warnings += root.warnings
                roots.append(root)
            } catch let error as IngestError {
                summary.files.skipped += 1
                summary.errors.append(error.description)
                onError(error)
            }
        }
        let filesTotal = roots.reduce(0) { $0 + $1.files.count }
        let bytesTotal = roots.reduce(Int64(0)) { $0 + $1.files.reduce(0) { $0 + $1.size } }
        var filesDone = 0
        var bytesDone: Int64 = 0
        var lastReport = Date.distantPast

        guard let store else { preconditionFailure("Ingester.ingest needs a store") }
        try store.withIngestWriter { db in
            var inTransaction = false
            var pending = 0
            var transactionStart = Date()
            func commit(force: Bool) throws {
                guard inTransaction else { return }
                if force || db.commitsEachFile || pending >= options.passagesPerTransaction
                    || Date().timeIntervalSince(transactionStart) >= options.secondsPerTransaction {
                    try db.commit()
                    inTransaction = false
                    pending = 0
                }
            }
            for root in roots {
                for file in root.files {
                    let display = root.display(file.relative)
                    let report: (Int) -> Void = { documents in
                        guard let progress else { return }
                        let now = Date()
                        guard now.timeIntervalSince(lastReport) >= 0.2 else { return }
                        lastReport = now
                        progress(IngestProgress(filesDone: filesDone, filesTotal: filesTotal,
                                                documents: summary.documents.added + summary.documents.updated
                                                    + summary.documents.unchanged + documents,
                                                bytesDone: bytesDone, bytesTotal: bytesTotal,
                                                seconds: now.timeIntervalSince(started), currentFile: display))
                    }
                    if !inTransaction {
                        try db.beginImmediateTransaction()
                        inTransaction = true
                        transactionStart = Date()
                    }
                    var fileSummary = IngestSummary()
                    var attempts = 0
                    while true {
                        do {
                            try db.inSavepoint {
                                fileSummary = IngestSummary()
                                try ingestFile(root: root.path, relative: file.relative, display: display, db: db,
                                               summary: &fileSummary, report: report)
                            }
                            summary.merge(fileSummary)
                            pending += fileSummary.passages
                        } catch let error as IngestError {
                            summary.files.skipped += 1
                            summary.errors.append(error.description)
                            onError(error)
                        } catch where attempts < 3 && db.isRetryable(error) {
                            // Another writer held what this file needed (a deadlock the server broke): the savepoint
                            // rolled the file back; run it again.
                            attempts += 1
                            logger.info("retrying \(display) after: \(error)")
                            continue
                        }
                        break
                    }
                    filesDone += 1
                    bytesDone += file.size
                    report(0)
                    try commit(force: false)
                }
                if options.prune && root.isDirectory {
                    if !inTransaction {
                        try db.beginImmediateTransaction()
                        inTransaction = true
                    }
                    try prune(root: root, db: db, summary: &summary)
                }
            }
            try commit(force: true)
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Files Cited reads under `path` (a directory walked recursively, or one file). Hidden entries and files of
    /// unknown formats are passed over; unreadable folders and files, symbolic links (unless `followSymlinks`)
    /// and special files (FIFOs, devices) are skipped with a warning each. The walk keeps an explicit stack and
    /// enters each folder (device, inode) once.
    func discover(_ path: String) throws -> Root {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var top = stat()
        guard stat(absolute, &top) == 0 else {
            let reason = errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))
            throw IngestError.unreadable(path: path, reason: reason)
        }
        if !Self.isDirectory(top) {
            guard Self.isRegular(top) else { throw IngestError.unreadable(path: path, reason: "not a regular file") }
            guard FileFormat.detect(path: absolute) != nil else { throw IngestError.unsupportedFormat(path: path) }
            guard access(absolute, R_OK) == 0 else {
                throw IngestError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            return Root(path: (absolute as NSString).deletingLastPathComponent,
                        files: [((absolute as NSString).lastPathComponent, Int64(top.st_size))], isDirectory: false,
                        given: path)
        }
        var root = Root(path: absolute, files: [], isDirectory: true, given: path)
        var visited: Set<[UInt64]> = [[UInt64(top.st_dev), UInt64(top.st_ino)]]
        var pending = [""]  // relative folders still to list
        while let folder = pending.popLast() {
            let folderPath = folder.isEmpty ? absolute : absolute + "/" + folder
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: folderPath) } catch {
                let reason = access(folderPath, R_OK | X_OK) == 0 ? "cannot list it" : String(cString: strerror(errno))
                root.warnings.append("\(root.display(folder)): directory skipped: \(reason)")
                root.skippedFolders.append(folder)
                continue
            }
            for name in names.sorted(by: >) where !name.hasPrefix(".") {
                let relative = folder.isEmpty ? name : folder + "/" + name
                let full = absolute + "/" + relative
                var info = stat()
                guard lstat(full, &info) == 0 else {
                    root.warnings.append("\(root.display(relative)): skipped: \(String(cString: strerror(errno)))")
                    continue
                }
                if Self.isSymlink(info) {
                    guard options.followSymlinks else {
                        if Self.isDirectory(info) || FileFormat.detect(path: full) != nil || Self.pointsToDirectory(full) {
                            root.warnings.append("\(root.display(relative)): symbolic link skipped (use --follow-symlinks)")
                        }
                        continue
                    }
                    guard stat(full, &info) == 0 else {
                        root.warnings.append("\(root.display(relative)): broken symbolic link skipped")
                        continue
                    }
                }
                if Self.isDirectory(info) {
                    guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else {
                        root.warnings.append("\(root.display(relative)): directory already visited (symbolic link loop?), skipped")
                        continue
                    }
                    pending.append(relative)
                    continue
                }
                guard Self.isRegular(info) else {
                    if FileFormat.detect(path: full) != nil {
                        root.warnings.append("\(root.display(relative)): not a regular file, skipped")
                        root.skipped.append(relative)
                    }
                    continue
                }
                guard FileFormat.detect(path: full) != nil else { continue }
                guard access(full, R_OK) == 0 else {
                    root.warnings.append("\(root.display(relative)): unreadable file skipped: \(String(cString: strerror(errno)))")
                    root.skipped.append(relative)
                    continue
                }
                root.files.append((relative, Int64(info.st_size)))
            }
        }
        root.files.sort { $0.relative < $1.relative }
        return root
    }

    private static func isDirectory(_ info: stat) -> Bool { info.st_mode & 0o170000 == 0o040000 }
    private static func isRegular(_ info: stat) -> Bool { info.st_mode & 0o170000 == 0o100000 }
    private static func isSymlink(_ info: stat) -> Bool { info.st_mode & 0o170000 == 0o120000 }
    private static func pointsToDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && isDirectory(info)
    }

    /// One file inside the caller's savepoint.
    private func ingestFile(root: String, relative: String, display: String, db: any IngestWriter,
                            summary: inout IngestSummary, report: (Int) -> Void) throws {
        let absolute = (root as NSString).appendingPathComponent(relative)
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: absolute) } catch {
            throw IngestError.unreadable(path: display, reason: error.localizedDescription)
        }
        let size = (attributes[.size] as? Int64) ?? Int64((attributes[.size] as? Int) ?? 0)
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        try db.claimFile(root: root, path: relative)
        let existing = try db.sourceFile(root: root, path: relative)
        // The domain override is part of a file's identity: `--domain math` re-files unchanged bytes.
        let domainTag = "-" + (options.domain?.rawValue ?? "auto")
        if let existing, existing.size == size, existing.modifiedAt == modified,
           existing.chunkerVersion == Chunker.version, existing.contentHash.hasSuffix(domainTag) {
            summary.files.unchanged += 1
            return
        }
        if size == 0 { throw IngestError.empty(path: display) }
        guard let format = FileFormat.detect(path: absolute) else { throw IngestError.unsupportedFormat(path: display) }
        // A file seen before is hashed first: unchanged bytes are not parsed again. A new file is hashed while
        // it is parsed, and its hash is written last (inside the same savepoint).
        let hashing = existing == nil ? BackgroundFileHash(path: absolute, displayPath: display) : nil
        let hash = hashing == nil ? try FileText.sha256(path: absolute, displayPath: display) + domainTag : ""
        if let existing, existing.contentHash == hash, existing.chunkerVersion == Chunker.version {
            summary.files.unchanged += 1
            return
        }
        var file = existing ?? SourceFileRecord(root: root, path: relative, size: size, modifiedAt: modified,
                                                contentHash: hash, chunkerVersion: Chunker.version)
        file.size = size
        file.modifiedAt = modified
        file.contentHash = hash
        file.chunkerVersion = Chunker.version
        file.ingestedAt = Date()
        try db.save(&file)
        guard let fileID = file.id else { return }

        var seen = Set<String>()
        var count = 0
        var batch = PassageBatch()
        func store(_ parsed: ParsedDocument) throws {
            count += 1
            if count & 255 == 0 { report(count) }
            try write(parsed, fileID: fileID, root: root, relative: relative, batch: &batch, db: db,
                      summary: &summary)
            seen.insert(parsed.key)
        }
        switch format {
        case .pubmed:
            // Parse on one thread, hash and chunk on another, while this one writes.
            let pipeline = PubMedPipeline(path: absolute, relative: relative, display: display, chunker: chunker,
                                          limits: options.limits)
            defer { pipeline.cancel() }
            loop: while true {
                switch pipeline.output.pop() {
                case .value(.article(let parsed, let hash, let passages))?:
                    count += 1
                    if count & 255 == 0 { report(count) }
                    try write(parsed, hash: hash, passages: passages, fileID: fileID, root: root, relative: relative,
                              batch: &batch, db: db, summary: &summary)
                    seen.insert(parsed.key)
                case .value(.delete(let pmids))?:
                    try writePassages(&batch, db: db, summary: &summary)
                    for pmid in pmids where try db.deleteDocument(key: "PMID:\(pmid)") {
                        summary.documents.deleted += 1
                    }
                case .failed(let error)?:
                    throw error
                case .finished?:
                    break loop
                case nil:
                    throw CancellationError() // only this thread cancels
                }
            }
        default:
            for parsed in try TextFormats.parse(format: format, path: absolute, relative: relative, display: display,
                                                limits: options.limits) {
                try store(parsed)
            }
            if count == 0 { throw IngestError.noDocuments(path: display, reason: "no text found") }
        }
        try writePassages(&batch, db: db, summary: &summary)
        // Documents this file held before but no longer does.
        for id in try db.documents(fileID: fileID, notIn: seen) {
            try db.deleteDocument(id: id)
            summary.documents.deleted += 1
        }
        if let hashing {
            file.contentHash = try hashing.value() + domainTag
            try db.update(file)
        }
        if existing == nil { summary.files.ingested += 1 } else { summary.files.updated += 1 }
    }

    /// Passages queued before they are written together (see `PassageBatch`).
    static let passagesPerBatch = 1024

    /// Writes one document unless an identical one is stored; its passages join `batch`.
    private func write(_ parsed: ParsedDocument, hash precomputed: String? = nil, passages prepared: [PassageRecord]? = nil,
                       fileID: Int64, root: String, relative: String, batch: inout PassageBatch, db: any IngestWriter,
                       summary: inout IngestSummary) throws {
        let domain = options.domain ?? parsed.kind.defaultDomain
        let hash = (precomputed ?? parsed.contentHash(chunkerVersion: Chunker.version)) + "-" + domain.rawValue
        let row = try db.storedDocument(key: parsed.key)
        if let row, row.contentHash == hash {
            summary.documents.unchanged += 1
            if row.fileID != fileID {
                try db.moveDocument(id: row.id, fileID: fileID, root: root, path: relative)
            }
            return
        }
        let passages = prepared ?? chunker.passages(for: parsed, path: relative)
        var document = DocumentRecord(key: parsed.key, kind: parsed.kind, domain: domain, fileId: fileID, root: root,
                                      path: relative, pmid: parsed.pmid, pmcid: parsed.pmcid, doi: parsed.doi,
                                      title: parsed.title, year: parsed.year, journal: parsed.journal,
                                      language: parsed.language, metadata: parsed.metadata, contentHash: hash,
                                      chunkerVersion: Chunker.version)
        if row != nil {
            // The stored version's passages may still be queued: write them before deleting it.
            try writePassages(&batch, db: db, summary: &summary)
            try db.deleteDocument(key: parsed.key)
        }
        let documentID = try db.insert(document: &document)
        batch.append(passages, documentID: documentID)
        if batch.count >= Self.passagesPerBatch { try writePassages(&batch, db: db, summary: &summary) }
        if row == nil { summary.documents.added += 1 } else { summary.documents.updated += 1 }
    }

    /// Writes the queued passages and counts them.
    private func writePassages(_ batch: inout PassageBatch, db: any IngestWriter, summary: inout IngestSummary) throws {
        let ids = try db.write(&batch)
        summary.newPassageIDs.append(contentsOf: ids)
        summary.passages += ids.count
    }

    /// Removes files (and their documents) recorded under `root` that are no longer there.
    private func prune(root: Root, db: any IngestWriter, summary: inout IngestSummary) throws {
        // A file skipped for now (unreadable, special) is still there: its documents stay.
        let present = Set(root.files.map(\.relative) + root.skipped)
        let recorded = try db.sourceFiles(root: root.path)
        for file in recorded where !present.contains(file.path)
            && !root.skippedFolders.contains(where: { $0.isEmpty || file.path.hasPrefix($0 + "/") }) {
            let documents = try db.documentCount(fileID: file.id)
            try db.deleteSourceFile(id: file.id)
            summary.files.pruned += 1
            summary.documents.deleted += documents
        }
    }
}

/// One worker's share of an ingest (`--shard i/n`): the files whose path (relative to its root) hashes to `index`
/// modulo `count`. The hash is FNV-1a over the path's UTF-8 bytes, so every worker on every machine splits a
/// file list the same way, and a file keeps its shard when others are added.
public struct IngestShard: Equatable, Sendable, CustomStringConvertible {
    /// From 0.
    public let index: Int
    public let count: Int

    /// Parses `i/n` with 0 <= i < n <= 4096; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isASCII) }),
              let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, count <= 4096, index >= 0, index < count
        else { return nil }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether this shard ingests the file at `relative`.
    public func owns(_ relative: String) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in relative.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(count)) == index
    }
}

/// Routes libxml2's global errors (I/O messages) away from stderr; parsers read errors from their own handlers.
func silenceLibXML2() {
    xmlSetStructuredErrorFunc(nil) { _, _ in }
}

extension IngestSummary {
    /// Adds one file's counts to the run's.
    mutating func merge(_ other: IngestSummary) {
        files.ingested += other.files.ingested
        files.unchanged += other.files.unchanged
        files.updated += other.files.updated
        files.skipped += other.files.skipped
        files.pruned += other.files.pruned
        documents.added += other.documents.added
        documents.updated += other.documents.updated
        documents.unchanged += other.documents.unchanged
        documents.deleted += other.documents.deleted
        passages += other.passages
        errors += other.errors
        warnings += other.warnings
        newPassageIDs += other.newPassageIDs
    }
}

/// Counts from a run that parses (and optionally chunks) without touching the store.
public struct DryRunSummary: Codable, Sendable {
    public var files = 0
    public var documents = 0
    public var withText = 0
    public var deleted = 0
    public var passages = 0
    public var skipped = 0
    public var seconds = 0.0
    public var documentsPerSecond = 0.0
}

extension Ingester {
    /// Parses every file under `paths` (chunking too if `chunk`), writing nothing: for benchmarks.
    public func dryRun(paths: [String], chunk: Bool, onError: (IngestError) -> Void) -> DryRunSummary {
        silenceLibXML2()
        let started = Date()
        var summary = DryRunSummary()
        for path in paths {
            let root: Root
            do { root = try discover(path) } catch let error as IngestError {
                summary.skipped += 1
                onError(error)
                continue
            } catch {
                summary.skipped += 1
                continue
            }
            for file in root.files {
                let absolute = (root.path as NSString).appendingPathComponent(file.relative)
                summary.files += 1
                func handle(_ document: ParsedDocument) {
                    summary.documents += 1
                    if document.blocks.first?.headingPath != ["Title"] { summary.withText += 1 }
                    if chunk { summary.passages += chunker.passages(for: document, path: file.relative).count }
                }
                do {
                    guard let format = FileFormat.detect(path: absolute) else { continue }
                    if format == .pubmed {
                        try PubMedParser().parse(path: absolute, displayPath: root.display(file.relative),
                                                 limits: options.limits) { event in
                            switch event {
                            case .article(let document): handle(document)
                            case .delete(let pmids): summary.deleted += pmids.count
                            }
                        }
                    } else {
                        for document in try TextFormats.parse(format: format, path: absolute, relative: file.relative,
                                                              display: root.display(file.relative),
                                                              limits: options.limits) { handle(document) }
                    }
                } catch let error as IngestError {
                    summary.skipped += 1
                    onError(error)
                } catch {
                    summary.skipped += 1
                }
            }
        }
        summary.seconds = Date().timeIntervalSince(started)
        summary.documentsPerSecond = Double(summary.documents) / max(summary.seconds, 1e-9)
        return summary
    }
}
