/// What one `cited ingest` run did; `--json` prints it.
public struct IngestSummary: Codable, Sendable {
    /// Files by outcome: new, unchanged (nothing written), updated (re-read and replaced), skipped (errors),
    /// pruned (vanished from a root with `--prune`).
    public struct FileCounts: Codable, Sendable, Equatable {
        public var ingested = 0
        public var unchanged = 0
        public var updated = 0
        public var skipped = 0
        public var pruned = 0
    }

    /// Documents by outcome; `deleted` counts `DeleteCitation`, vanished articles and pruned files.
    public struct DocumentCounts: Codable, Sendable, Equatable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0
        public var deleted = 0
    }

    public var files = FileCounts()
    public var documents = DocumentCounts()
    /// Passages written in this run.
    public var passages = 0
    /// One `path:line: reason` per skipped file.
    public var errors: [String] = []
    /// One `path: reason` per folder, link or special file passed over while walking (printed as `warning:`).
    public var warnings: [String] = []
    public var seconds = 0.0
    /// Ids of the passages written in this run, for the embedder (not printed).
    public var newPassageIDs: [Int64] = []

    enum CodingKeys: String, CodingKey {
        case files, documents, passages, errors, warnings, seconds
    }

    public init() {}
}

/// Where an ingest run is, for a progress bar.
public struct IngestProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var documents: Int
    public var bytesDone: Int64
    public var bytesTotal: Int64
    public var seconds: Double
    public var currentFile: String
}
