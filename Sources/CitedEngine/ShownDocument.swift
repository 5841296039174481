import CitedCore
import CitedStore
import Foundation

/// A cited passage with the passages around it, as `cited show` prints it.
public struct ShownDocument: Encodable, Sendable {
    public struct Passage: Encodable, Sendable {
        public var passageID: Int64
        /// The passage the reference points at.
        public var focus: Bool
        public var source: Source
        public var text: String
        /// The passage carries instructions to the model (flagged at ingest): data, never an answer.
        public var instructions: Bool

        enum CodingKeys: String, CodingKey {
            case passageID = "passage_id", focus, source, text, instructions
        }
    }

    public var reference: String
    public var title: String
    public var year: Int?
    public var passages: [Passage]

    enum CodingKeys: String, CodingKey {
        case reference, title, passages
    }

    /// The passages `context` either side of what `reference` names (the whole document when it names no passage).
    public init(reference: String, context: Int, store: any IndexStore) throws {
        let (document, focus) = try store.resolve(reference: reference)
        let all = try store.passages(documentID: document.id!)
        var window = all[...]
        if let focus, let index = all.firstIndex(where: { $0.id == focus }) {
            window = all[max(0, index - context)...min(all.count - 1, index + context)]
        }
        self.reference = reference
        title = document.title
        year = document.year
        passages = window.map { passage in
            Passage(passageID: passage.id!, focus: passage.id == focus,
                    source: Store.source(document: document, passage: passage), text: passage.text,
                    instructions: passage.hasInstructions)
        }
    }
}
