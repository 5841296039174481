import GRDB

/// The schema, one migration per change; later modules (vectors) append their own migrations.
public enum Schema {
    /// The FTS5 tokenizer: `unicode61` keeping `-` and `_` inside tokens, so `IL-6`, `BRCA1`,
    /// `lru_cache` and `N-acetylcysteine` stay one searchable token each. Queries must quote such terms
    /// (see `FTSQuery`), and a part of a compound is found with a prefix query (`"interleukin"*`).
    public static let tokenizer = "unicode61 remove_diacritics 2 tokenchars '-_'"

    /// Registers the ingest schema's migrations on `migrator`.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1-documents") { db in
            try db.execute(sql: """
                CREATE TABLE source_file (
                    id INTEGER PRIMARY KEY,
                    root TEXT NOT NULL,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    modified_at DOUBLE NOT NULL,
                    content_hash TEXT NOT NULL,
                    chunker_version INTEGER NOT NULL,
                    ingested_at DATETIME NOT NULL,
                    UNIQUE (root, path)
                );
                CREATE TABLE document (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    file_id INTEGER REFERENCES source_file(id) ON DELETE CASCADE,
                    root TEXT NOT NULL,
                    path TEXT NOT NULL,
                    pmid TEXT,
                    pmcid TEXT,
                    doi TEXT,
                    title TEXT NOT NULL,
                    year INTEGER,
                    journal TEXT,
                    language TEXT,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    content_hash TEXT NOT NULL,
                    chunker_version INTEGER NOT NULL,
                    ingested_at DATETIME NOT NULL
                );
                CREATE INDEX document_file ON document(file_id);
                CREATE INDEX document_pmid ON document(pmid);
                CREATE INDEX document_doi ON document(doi);
                CREATE INDEX document_kind_domain ON document(kind, domain);
                CREATE TABLE passage (
                    id INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    heading_path TEXT NOT NULL DEFAULT '',
                    locator TEXT NOT NULL,
                    start_line INTEGER,
                    end_line INTEGER,
                    start_char INTEGER,
                    end_char INTEGER,
                    token_count INTEGER NOT NULL,
                    UNIQUE (document_id, ordinal)
                );
                CREATE TABLE index_meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
            // A regular (not external-content) FTS5 table: its rows are deleted by rowid, which stays
            // correct even when passages go through ON DELETE CASCADE after their document row is gone.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE passage_fts USING fts5(text, title, heading, tokenize = "\(tokenizer)");
                CREATE TRIGGER passage_fts_insert AFTER INSERT ON passage BEGIN
                    INSERT INTO passage_fts(rowid, text, title, heading)
                    VALUES (new.id, new.text, (SELECT title FROM document WHERE id = new.document_id),
                            new.heading_path);
                END;
                CREATE TRIGGER passage_fts_delete AFTER DELETE ON passage BEGIN
                    DELETE FROM passage_fts WHERE rowid = old.id;
                END;
                CREATE TRIGGER passage_fts_update AFTER UPDATE OF text, heading_path ON passage BEGIN
                    UPDATE passage_fts SET text = new.text, heading = new.heading_path WHERE rowid = old.id;
                END;
                CREATE TRIGGER document_fts_title AFTER UPDATE OF title ON document BEGIN
                    UPDATE passage_fts SET title = new.title
                    WHERE rowid IN (SELECT id FROM passage WHERE document_id = new.id);
                END;
                """)
        }
    }
}
