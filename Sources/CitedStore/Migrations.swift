import CitedCore
import GRDB

/// The whole schema, one migration per change, registered in one place so every open sees it all.
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
            // External content: the index reads text from a view over passage and document, so the
            // text is stored once. Deleting from an external-content index needs the exact indexed values,
            // so a document's passages are deleted *before* the document row goes (BEFORE DELETE), while
            // its title can still be read; ON DELETE CASCADE then finds nothing left to do.
            try db.execute(sql: """
                CREATE VIEW passage_fts_source AS
                    SELECT p.id AS id, p.text AS text, d.title AS title, p.heading_path AS heading
                    FROM passage p JOIN document d ON d.id = p.document_id;
                CREATE VIRTUAL TABLE passage_fts USING fts5(text, title, heading, content = 'passage_fts_source',
                    content_rowid = 'id', tokenize = "\(tokenizer)");
                CREATE TRIGGER passage_fts_insert AFTER INSERT ON passage BEGIN
                    INSERT INTO passage_fts(rowid, text, title, heading)
                    VALUES (new.id, new.text, (SELECT title FROM document WHERE id = new.document_id),
                            new.heading_path);
                END;
                CREATE TRIGGER passage_fts_delete AFTER DELETE ON passage BEGIN
                    INSERT INTO passage_fts(passage_fts, rowid, text, title, heading)
                    VALUES ('delete', old.id, old.text, (SELECT title FROM document WHERE id = old.document_id),
                            old.heading_path);
                END;
                CREATE TRIGGER passage_fts_update AFTER UPDATE OF text, heading_path, document_id ON passage BEGIN
                    INSERT INTO passage_fts(passage_fts, rowid, text, title, heading)
                    VALUES ('delete', old.id, old.text, (SELECT title FROM document WHERE id = old.document_id),
                            old.heading_path);
                    INSERT INTO passage_fts(rowid, text, title, heading)
                    VALUES (new.id, new.text, (SELECT title FROM document WHERE id = new.document_id),
                            new.heading_path);
                END;
                CREATE TRIGGER document_passages_delete BEFORE DELETE ON document BEGIN
                    DELETE FROM passage WHERE document_id = old.id;
                END;
                CREATE TRIGGER document_fts_title AFTER UPDATE OF title ON document BEGIN
                    INSERT INTO passage_fts(passage_fts, rowid, text, title, heading)
                    SELECT 'delete', id, text, old.title, heading_path FROM passage WHERE document_id = old.id;
                    INSERT INTO passage_fts(rowid, text, title, heading)
                    SELECT id, text, new.title, heading_path FROM passage WHERE document_id = new.id;
                END;
                """)
        }
        // Passage vectors: one fp32 BLOB per passage, stamped in index_meta (see CitedRetrieve.VectorTable).
        migrator.registerMigration("v2-vectors") { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS vector (
                    passage_id INTEGER PRIMARY KEY REFERENCES passage(id) ON DELETE CASCADE,
                    embedding BLOB NOT NULL
                )
                """)
        }
        AnswerLog.register(in: &migrator)
        // Passages that carry instructions to the model (prompt injection; see `InstructionDetector`): set at
        // ingest. The column is filled by the re-flagging step that follows.
        migrator.registerMigration("v4-passage-instructions") { db in
            try db.execute(sql: "ALTER TABLE passage ADD COLUMN has_instructions INTEGER NOT NULL DEFAULT 0")
        }
        // Each change of the detector adds a step here, so stored flags follow the detector that reads them
        // (the answer stage screens the passages it is given anyway; the flag serves `index status` and `show`).
        migrator.registerMigration("v5-instruction-detector-2") { db in
            try reflagInstructions(in: db)
        }
    }

    /// Recomputes `has_instructions` on every stored passage with the current detector; returns how many are set.
    @discardableResult
    static func reflagInstructions(in db: Database) throws -> Int {
        var flagged: [Int64] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, text FROM passage")
        while let row = try rows.next() {
            if InstructionDetector.containsInstruction(row["text"]) { flagged.append(row["id"]) }
        }
        try db.execute(sql: "UPDATE passage SET has_instructions = 0 WHERE has_instructions <> 0")
        let update = try db.makeStatement(sql: "UPDATE passage SET has_instructions = 1 WHERE id = ?")
        for id in flagged { try update.execute(arguments: [id]) }
        return flagged.count
    }
}
