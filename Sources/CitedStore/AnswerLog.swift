import Foundation
import GRDB

/// One stored answer: everything needed to audit or replay it.
public struct AnswerRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "answer"

    public var id: Int64?
    public var createdAt: Date
    public var question: String
    public var domain: String
    public var model: String
    public var modelSHA256: String
    public var embedder: String
    public var embedderSHA256: String
    public var promptSHA256: String
    public var seed: Int64
    /// The ask parameters (JSON).
    public var parameters: String
    /// Retrieved passage ids and scores (JSON).
    public var retrieved: String
    /// The whole answer as `ask --json` printed it (JSON).
    public var answer: String
    public var abstained: Bool
    public var totalMS: Int

    enum CodingKeys: String, CodingKey {
        case id, question, domain, model, embedder, seed, parameters, retrieved, answer, abstained
        case createdAt = "created_at"
        case modelSHA256 = "model_sha256"
        case embedderSHA256 = "embedder_sha256"
        case promptSHA256 = "prompt_sha256"
        case totalMS = "total_ms"
    }

    public init(question: String, domain: String, model: String, modelSHA256: String, embedder: String,
                embedderSHA256: String, promptSHA256: String, seed: Int64, parameters: String, retrieved: String,
                answer: String, abstained: Bool, totalMS: Int) {
        createdAt = Date()
        self.question = question
        self.domain = domain
        self.model = model
        self.modelSHA256 = modelSHA256
        self.embedder = embedder
        self.embedderSHA256 = embedderSHA256
        self.promptSHA256 = promptSHA256
        self.seed = seed
        self.parameters = parameters
        self.retrieved = retrieved
        self.answer = answer
        self.abstained = abstained
        self.totalMS = totalMS
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The audit log of answers.
public enum AnswerLog {
    /// Registers the `answer` table.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-answer-log") { db in
            try db.execute(sql: """
                CREATE TABLE answer (
                    id INTEGER PRIMARY KEY,
                    created_at DATETIME NOT NULL,
                    question TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    model TEXT NOT NULL,
                    model_sha256 TEXT NOT NULL,
                    embedder TEXT NOT NULL,
                    embedder_sha256 TEXT NOT NULL,
                    prompt_sha256 TEXT NOT NULL,
                    seed INTEGER NOT NULL,
                    parameters TEXT NOT NULL,
                    retrieved TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    abstained BOOLEAN NOT NULL,
                    total_ms INTEGER NOT NULL
                )
                """)
        }
    }

    /// Stores an answer and returns its id.
    public static func append(_ record: AnswerRecord, to store: any IndexStore) throws -> Int64 {
        try store.appendAnswer(record)
    }

    /// How many answers are stored.
    public static func count(in store: any IndexStore) throws -> Int { try store.answerCount() }

    public static func record(id: Int64, in store: any IndexStore) throws -> AnswerRecord? { try store.answer(id: id) }
}

extension Store {
    public func appendAnswer(_ record: AnswerRecord) throws -> Int64 {
        var record = record
        try pool.write { db in try record.insert(db) }
        return record.id!
    }

    public func answerCount() throws -> Int { try pool.read { db in try AnswerRecord.fetchCount(db) } }

    public func answer(id: Int64) throws -> AnswerRecord? { try pool.read { db in try AnswerRecord.fetchOne(db, key: id) } }
}
