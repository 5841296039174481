import Foundation
import GRDB

/// The SQLite side of `cited index export`.
extension Store: IndexCopying {
    public func sourceFiles(after: Int64, limit: Int) throws -> [SourceFileRecord] {
        try pool.read { try SourceFileRecord.filter(Column("id") > after).order(Column("id")).limit(limit).fetchAll($0) }
    }

    public func documents(after: Int64, limit: Int) throws -> [DocumentRecord] {
        try pool.read { try DocumentRecord.filter(Column("id") > after).order(Column("id")).limit(limit).fetchAll($0) }
    }

    public func passages(documentIDs: [Int64]) throws -> [PassageRecord] {
        try pool.read { db in
            try PassageRecord.fetchAll(db, sql: "SELECT * FROM passage WHERE document_id IN (\(Self.list(documentIDs))) ORDER BY id")
        }
    }

    public func answers(after: Int64, limit: Int) throws -> [AnswerRecord] {
        try pool.read { try AnswerRecord.filter(Column("id") > after).order(Column("id")).limit(limit).fetchAll($0) }
    }

    public func importRecords(files: [SourceFileRecord], documents: [DocumentRecord], passages: [PassageRecord]) throws {
        try pool.write { db in
            for file in files {
                var file = file
                try file.insert(db)
            }
            for document in documents {
                try db.execute(sql: """
                    INSERT INTO document (id, key, kind, domain, file_id, root, path, pmid, pmcid, doi, title, year, journal,
                                          language, metadata, content_hash, chunker_version, ingested_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [document.id, document.key, document.kind.rawValue, document.domain.rawValue, document.fileId,
                                     document.root, document.path, document.pmid, document.pmcid, document.doi, document.title,
                                     document.year, document.journal, document.language, document.metadata.json,
                                     document.contentHash, document.chunkerVersion, document.ingestedAt])
            }
            for passage in passages {
                var passage = passage
                try passage.insert(db)
            }
        }
    }
}
