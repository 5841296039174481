import CitedCore
import CitedStore
import Foundation
import PostgresNIO

/// The PostgreSQL side of `cited index export`.
extension PostgresStore: IndexCopying {
    public func sourceFiles(after: Int64, limit: Int) throws -> [SourceFileRecord] {
        try pool.with { session in
            var b = Binds()
            return try session.query("""
                SELECT \(PostgresIngestWriter.fileColumns) FROM source_file WHERE id > \(b.add(after)) ORDER BY id LIMIT \(b.add(limit))
                """, b).map(PostgresIngestWriter.file)
        }
    }

    public func documents(after: Int64, limit: Int) throws -> [DocumentRecord] {
        try pool.with { session in
            var b = Binds()
            return try session.query("""
                SELECT \(Self.documentColumns) FROM document d WHERE d.id > \(b.add(after)) ORDER BY d.id LIMIT \(b.add(limit))
                """, b).map(Self.document)
        }
    }

    public func passages(documentIDs: [Int64]) throws -> [PassageRecord] {
        try pool.with { session in
            var b = Binds()
            return try session.query("""
                SELECT \(Self.passageColumns) FROM passage p WHERE p.document_id = ANY(\(b.add(documentIDs))::int8[]) ORDER BY p.id
                """, b).map(Self.passage)
        }
    }

    public func answers(after: Int64, limit: Int) throws -> [AnswerRecord] {
        let ids: [Int64] = try pool.with { session in
            var b = Binds()
            return try session.query("SELECT id FROM answer WHERE id > \(b.add(after)) ORDER BY id LIMIT \(b.add(limit))", b)
                .map { try $0.get(0, as: Int64.self) }
        }
        return try ids.compactMap { try answer(id: $0) }
    }

    public func importRecords(files: [SourceFileRecord], documents: [DocumentRecord], passages: [PassageRecord]) throws {
        try pool.with { session in
            try session.transaction {
                for file in files {
                    var b = Binds()
                    try session.query("""
                        INSERT INTO source_file (id, root, path, size, modified_at, content_hash, chunker_version, ingested_at)
                        VALUES (\(b.add(file.id)), \(b.add(file.root)), \(b.add(file.path)), \(b.add(file.size)), \(b.add(file.modifiedAt)),
                                \(b.add(file.contentHash)), \(b.add(file.chunkerVersion)), \(b.add(file.ingestedAt)))
                        """, b)
                }
                var titles: [Int64: String] = [:]
                for document in documents {
                    var b = Binds()
                    try session.query("""
                        INSERT INTO document (id, key, kind, domain, file_id, root, path, pmid, pmcid, doi, title, year, journal,
                                              language, metadata, content_hash, chunker_version, ingested_at)
                        VALUES (\(b.add(document.id)), \(b.add(document.key)), \(b.add(document.kind.rawValue)), \(b.add(document.domain.rawValue)),
                                \(b.add(document.fileId)), \(b.add(document.root)), \(b.add(document.path)), \(b.add(document.pmid)),
                                \(b.add(document.pmcid)), \(b.add(document.doi)), \(b.add(document.title)), \(b.add(document.year)),
                                \(b.add(document.journal)), \(b.add(document.language)), \(b.add(document.metadata.json))::jsonb,
                                \(b.add(document.contentHash)), \(b.add(document.chunkerVersion)), \(b.add(document.ingestedAt)))
                        """, b)
                    titles[document.id!] = document.title
                }
                if !passages.isEmpty {
                    try PostgresIngestWriter.insertPassages(passages.map { ($0.documentId, $0) }, ids: passages.map { $0.id! },
                                                            titles: titles, session: session)
                }
                // Keep the sequences ahead of the copied ids, so later ingests do not collide.
                try session.execute("""
                    SELECT setval('source_file_id_seq', greatest((SELECT max(id) FROM source_file), 1));
                    SELECT setval('document_id_seq', greatest((SELECT max(id) FROM document), 1));
                    SELECT setval('passage_id_seq', greatest((SELECT max(id) FROM passage), 1))
                    """)
            }
        }
        invalidateStatistics()
    }
}
