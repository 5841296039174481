import CitedStore
import Foundation

/// The PostgreSQL schema: the SQLite index's tables (same names and columns, `id` keys, declared foreign keys),
/// plus `passage.lexemes` (a `tsvector`, GIN-indexed) for keyword search. The `passage_vector` table (`vector` is the type's name) is made when the
/// first vectors arrive, with the dimension of their embedder stamp (`vector(384)` for MiniLM) and an HNSW
/// cosine index. Migrations are versioned in `cited_migration` and run on open under an advisory lock, so that
/// many processes may open a new database at once.
enum PostgresSchema {
    /// Advisory lock keys (any constants; they name Cited's locks in `pg_locks`).
    static let migrationLock: Int64 = 0x0C17_ED00_0001
    static let vectorTableLock: Int64 = 0x0C17_ED00_0002

    /// Every migration in order: identifier and SQL. Never edit one that shipped; append a new one.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1-documents", """
            CREATE TABLE source_file (
                id BIGSERIAL PRIMARY KEY,
                root TEXT NOT NULL,
                path TEXT NOT NULL,
                size BIGINT NOT NULL,
                modified_at DOUBLE PRECISION NOT NULL,
                content_hash TEXT NOT NULL,
                chunker_version INTEGER NOT NULL,
                ingested_at TIMESTAMPTZ NOT NULL,
                UNIQUE (root, path)
            );
            CREATE TABLE document (
                id BIGSERIAL PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                domain TEXT NOT NULL,
                file_id BIGINT REFERENCES source_file(id) ON DELETE CASCADE,
                root TEXT NOT NULL,
                path TEXT NOT NULL,
                pmid TEXT,
                pmcid TEXT,
                doi TEXT,
                title TEXT NOT NULL,
                year INTEGER,
                journal TEXT,
                language TEXT,
                metadata JSONB NOT NULL DEFAULT '{}',
                content_hash TEXT NOT NULL,
                chunker_version INTEGER NOT NULL,
                ingested_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX document_file ON document(file_id);
            CREATE INDEX document_pmid ON document(pmid);
            CREATE INDEX document_doi ON document(lower(doi));
            CREATE INDEX document_pmcid ON document(upper(pmcid));
            CREATE INDEX document_kind_domain ON document(kind, domain);
            CREATE INDEX document_path ON document(path text_pattern_ops);
            CREATE TABLE passage (
                id BIGSERIAL PRIMARY KEY,
                document_id BIGINT NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                text TEXT NOT NULL,
                heading_path TEXT NOT NULL DEFAULT '',
                locator TEXT NOT NULL,
                start_line INTEGER,
                end_line INTEGER,
                start_char INTEGER,
                end_char INTEGER,
                token_count INTEGER NOT NULL,
                has_instructions BOOLEAN NOT NULL DEFAULT false,
                lexemes TSVECTOR NOT NULL,
                lexeme_count INTEGER NOT NULL,
                UNIQUE (document_id, ordinal)
            );
            CREATE INDEX passage_lexemes ON passage USING gin (lexemes);
            CREATE TABLE index_meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            """),
        ("v3-answer-log", """
            CREATE TABLE answer (
                id BIGSERIAL PRIMARY KEY,
                created_at TIMESTAMPTZ NOT NULL,
                question TEXT NOT NULL,
                domain TEXT NOT NULL,
                model TEXT NOT NULL,
                model_sha256 TEXT NOT NULL,
                embedder TEXT NOT NULL,
                embedder_sha256 TEXT NOT NULL,
                prompt_sha256 TEXT NOT NULL,
                seed BIGINT NOT NULL,
                parameters TEXT NOT NULL,
                retrieved TEXT NOT NULL,
                answer TEXT NOT NULL,
                abstained BOOLEAN NOT NULL,
                total_ms INTEGER NOT NULL
            );
            """),
    ]

    /// Applies the migrations not yet applied; refuses a database made by another program or a newer Cited.
    static func migrate(_ session: Session) throws {
        do {
            try session.execute("CREATE EXTENSION IF NOT EXISTS vector")
        } catch let error as PostgresStoreError {
            throw PostgresStoreError.missingExtension(store: session.store, reason: "\(error)")
        }
        try session.query("SELECT pg_advisory_lock(\(migrationLock))")
        defer { _ = try? session.query("SELECT pg_advisory_unlock(\(migrationLock))") }
        let hasTable = try session.query("SELECT to_regclass('cited_migration') IS NOT NULL")[0].get(0, as: Bool.self)
        if !hasTable {
            let foreign = try session.query("SELECT to_regclass('document') IS NOT NULL OR to_regclass('passage') IS NOT NULL")[0]
                .get(0, as: Bool.self)
            if foreign { throw StoreError.notAnIndex(path: session.store) }
            try session.execute("CREATE TABLE cited_migration (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        }
        let applied = Set(try session.query("SELECT identifier FROM cited_migration").map { try $0.get(0, as: String.self) })
        let known = Set(migrations.map(\.identifier))
        if let unknown = applied.subtracting(known).sorted().first {
            throw StoreError.newerSchema(path: session.store, migration: unknown)
        }
        for migration in migrations where !applied.contains(migration.identifier) {
            try session.transaction {
                try session.execute(migration.sql)
                var binds = Binds()
                try session.query("INSERT INTO cited_migration(identifier) VALUES (\(binds.add(migration.identifier)))", binds)
            }
        }
    }

    /// Creates `table` (the live `vector` table or a rebuild's `vector_next`) for `dimension`-d vectors if missing,
    /// with its HNSW cosine index; inside the caller's transaction. Refuses a table of another dimension.
    static func ensureVectorTable(_ table: String, dimension: Int, session: Session) throws {
        precondition(table == "passage_vector" || table == "passage_vector_next", "unknown vector table")
        guard (1...16_000).contains(dimension) else {
            throw PostgresStoreError.unexpectedResult(store: session.store, what: "embedder dimension \(dimension)")
        }
        try session.query("SELECT pg_advisory_xact_lock(\(vectorTableLock))")
        if try session.query("SELECT to_regclass('\(table)') IS NOT NULL")[0].get(0, as: Bool.self) {
            let existing = try session.query("""
                SELECT atttypmod FROM pg_attribute WHERE attrelid = '\(table)'::regclass AND attname = 'embedding'
                """)[0].get(0, as: Int32.self)
            if Int(existing) != dimension {
                throw PostgresStoreError.unexpectedResult(
                    store: session.store, what: "\(table) holds \(existing)-d vectors, the embedder makes \(dimension)-d ones (rebuild the index)")
            }
            return
        }
        // `dimension` is an integer checked above: nothing user-written reaches the DDL.
        try session.execute("""
            CREATE TABLE \(table) (
                passage_id BIGINT PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE,
                embedding vector(\(dimension)) NOT NULL
            )
            """)
        // The live table is searched while it fills: its index grows row by row. A rebuild's shadow table gets its
        // index in one bulk build before the swap (`createHNSWIndex`), which builds a graph several times faster.
        if table == "passage_vector" { try createHNSWIndex(table, session: session) }
    }

    /// The HNSW cosine index of a vector table, if it has none yet.
    static func createHNSWIndex(_ table: String, session: Session) throws {
        precondition(table == "passage_vector" || table == "passage_vector_next", "unknown vector table")
        try session.execute("CREATE INDEX IF NOT EXISTS \(table)_hnsw ON \(table) USING hnsw (embedding vector_cosine_ops)")
    }
}
