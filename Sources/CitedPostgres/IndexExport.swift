import CitedCore
import CitedStore
import Foundation

/// Progress of an export, in documents.
public struct ExportProgress: Sendable {
    public var documents: Int
    public var totalDocuments: Int
    public var vectors: Int
    public var seconds: Double
}

/// What an export copied.
public struct ExportSummary: Codable, Sendable {
    public var files = 0
    public var documents = 0
    public var passages = 0
    public var vectors = 0
    public var answers = 0
    public var seconds = 0.0
}

/// `cited index export`: copies an index between SQLite and PostgreSQL (either way), ids and vectors included —
/// nothing is re-parsed or re-embedded. The target must hold no documents yet.
public enum IndexExport {
    public enum Failure: Error, CustomStringConvertible {
        case targetNotEmpty(String)
        case sameStore(String)
        public var description: String {
            switch self {
            case .targetNotEmpty(let where_): "\(where_) already holds documents; export into a new, empty index"
            case .sameStore(let where_): "\(where_) is the index being exported"
            }
        }
    }

    /// Documents per transaction on the target.
    public static let documentsPerBatch = 500

    public static func copy(from source: any IndexStore & IndexCopying, to target: any IndexStore & IndexCopying,
                            progress: (ExportProgress) -> Void = { _ in }) throws -> ExportSummary {
        guard source.location != target.location else { throw Failure.sameStore(target.location) }
        guard try target.counts().isEmpty else { throw Failure.targetNotEmpty(target.location) }
        let start = Date()
        var summary = ExportSummary()
        let total = try source.counts().reduce(0) { $0 + $1.documents }
        var after: Int64 = 0
        var files: [SourceFileRecord] = []
        while true {
            let page = try source.sourceFiles(after: after, limit: 2_000)
            guard let last = page.last else { break }
            files += page
            after = last.id!
        }
        try target.importRecords(files: files, documents: [], passages: [])
        summary.files = files.count
        after = 0
        while true {
            let documents = try source.documents(after: after, limit: documentsPerBatch)
            guard let last = documents.last else { break }
            after = last.id!
            let passages = try source.passages(documentIDs: documents.map { $0.id! })
            try target.importRecords(files: [], documents: documents, passages: passages)
            summary.documents += documents.count
            summary.passages += passages.count
            progress(ExportProgress(documents: summary.documents, totalDocuments: total, vectors: 0,
                                    seconds: Date().timeIntervalSince(start)))
        }
        if let json = try source.meta("embedder") {
            let stamp = try JSONDecoder().decode(EmbedderStamp.self, from: Data(json.utf8))
            var ids: [Int64] = []
            var vectors: [Float] = []
            func flush() throws {
                guard !ids.isEmpty else { return }
                try target.writeVectors(ids: ids, vectors: vectors, to: .live(stamp))
                summary.vectors += ids.count
                ids.removeAll(keepingCapacity: true)
                vectors.removeAll(keepingCapacity: true)
                progress(ExportProgress(documents: summary.documents, totalDocuments: total, vectors: summary.vectors,
                                        seconds: Date().timeIntervalSince(start)))
            }
            try source.forEachVector { id, bytes in
                guard bytes.count == stamp.dimension * MemoryLayout<Float>.size else { return }
                ids.append(id)
                vectors.append(contentsOf: bytes.bindMemory(to: Float.self))
                if ids.count == 1_024 { try flush() }
            }
            try flush()
        }
        after = 0
        while true {
            let answers = try source.answers(after: after, limit: 500)
            guard let last = answers.last else { break }
            after = last.id!
            for answer in answers { _ = try target.appendAnswer(answer) }
            summary.answers += answers.count
        }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }
}
