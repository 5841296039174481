import GRDB

/// Passages of many documents written with a few multi-row INSERTs instead of one INSERT each.
///
/// Why: an INSERT on `passage` fires the FTS5 trigger, so SQLite runs it inside a statement savepoint, and
/// FTS5 flushes its pending terms to a new index segment at every savepoint. One INSERT per passage builds
/// (and then merges) one tiny segment per passage; one INSERT per few hundred passages lets FTS5 buffer as
/// designed. The index holds the same rows and terms either way.
///
/// The documents must already be stored; nothing may delete them before `write` (flush first).
public struct PassageBatch {
    /// Rows per INSERT: 12 parameters each, far below SQLite's 32,766-parameter limit.
    static let rowsPerStatement = 256

    private var rows: [(documentID: Int64, passage: PassageRecord)] = []

    public init() {}

    /// Passages waiting to be written.
    public var count: Int { rows.count }

    /// The queued passages with their documents, in order (for other backends' writers).
    public var queued: [(documentID: Int64, passage: PassageRecord)] { rows }

    /// Empties the batch (after another backend's writer stored it).
    public mutating func removeAll() { rows.removeAll(keepingCapacity: true) }

    /// Queues `passages` of the stored document `documentID`.
    public mutating func append(_ passages: [PassageRecord], documentID: Int64) {
        for passage in passages { rows.append((documentID, passage)) }
    }

    /// Writes the queued passages in order inside the caller's transaction, empties the batch and returns the
    /// new passage ids in the same order.
    public mutating func write(in db: Database) throws -> [Int64] {
        guard !rows.isEmpty else { return [] }
        // Ids as SQLite would pick them one insert at a time (largest + 1), given explicitly so that each
        // passage's id is known without reading it back.
        let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM passage") ?? 0
        var ids: [Int64] = []
        ids.reserveCapacity(rows.count)
        var start = 0
        while start < rows.count {
            let end = min(start + Self.rowsPerStatement, rows.count)
            let statement = end - start == Self.rowsPerStatement
                ? try db.cachedStatement(sql: Self.insertSQL(rows: end - start))
                : try db.makeStatement(sql: Self.insertSQL(rows: end - start))
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity((end - start) * 12)
            for (documentID, passage) in rows[start..<end] {
                let id = largest + Int64(ids.count) + 1
                ids.append(id)
                values += [id, documentID, passage.ordinal, passage.text, passage.headingPath, passage.locator,
                           passage.startLine, passage.endLine, passage.startChar, passage.endChar, passage.tokenCount,
                           passage.hasInstructions]
            }
            try statement.execute(arguments: StatementArguments(values))
            start = end
        }
        rows.removeAll(keepingCapacity: true)
        return ids
    }

    /// `INSERT INTO passage … VALUES (…), (…), …` for `rows` rows.
    private static func insertSQL(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return """
            INSERT INTO passage (id, document_id, ordinal, text, heading_path, locator, start_line, end_line,
                                 start_char, end_char, token_count, has_instructions)
            VALUES \(Array(repeating: row, count: rows).joined(separator: ", "))
            """
    }
}
