import ArgumentParser
import CitedCore
import CitedStore
import Foundation
import GRDB

/// `cited show REF`: the cited passage with its surrounding context.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a cited passage with the passages around it.",
        discussion: """
        REF is what an answer cites: PMID:34567890 (or just the number), a DOI (10.…), a PMCID, \
        a document path with an optional line or section (library/functools.rst.txt:120, \
        library/functools.rst.txt#lru_cache), or a passage id (passage:123).
        """)

    @OptionGroup var options: IndexOptions

    @Argument(help: ArgumentHelp("The reference to open.", valueName: "REF"))
    var reference: String

    @Option(name: .long, help: "Passages of context before and after.") var context = 1

    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func validate() throws {
        try requireRange(context, 0...100, "--context")
    }

    struct Shown: Encodable {
        var passageID: Int64
        var focus: Bool
        var source: Source
        var text: String
        /// The passage carries instructions to the model (flagged at ingest): data, never an answer.
        var instructions: Bool

        enum CodingKeys: String, CodingKey {
            case passageID = "passage_id", focus, source, text, instructions
        }
    }

    func run() throws {
        let url = options.databaseURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandError("no index at \(url.path); run `cited ingest PATH...` first")
        }
        let store = try Store(url: url)
        let (document, focus) = try resolve(in: store)
        let passages = try store.passages(documentID: document.id!)
        let focusIndex = focus.flatMap { id in passages.firstIndex { $0.id == id } }
        let window: ArraySlice<PassageRecord>
        if let focusIndex {
            window = passages[max(0, focusIndex - context)...min(passages.count - 1, focusIndex + context)]
        } else {
            window = passages[...]
        }
        let shown = window.map { passage in
            Shown(passageID: passage.id!, focus: passage.id == focus, source: Store.source(document: document, passage: passage),
                  text: passage.text, instructions: passage.hasInstructions)
        }
        if json { return try printJSON(ShowOutput(reference: reference, title: document.title, passages: shown)) }
        print(document.title + (document.year.map { " (\($0))" } ?? ""))
        for item in shown {
            print("")
            print((item.focus ? "▶ " : "  ") + item.source.locator
                + (item.instructions ? "  ⚠ INSTRUCTIONS: this passage tells the model what to do; untrusted" : ""))
            for line in item.text.split(separator: "\n", omittingEmptySubsequences: false) { print("    " + line) }
        }
    }

    /// The document a reference names, and the passage it points at (nil: the whole document).
    func resolve(in store: Store) throws -> (DocumentRecord, Int64?) {
        var ref = reference.trimmingCharacters(in: .whitespaces)
        if ref.lowercased().hasPrefix("passage:"), let id = Int64(ref.dropFirst(8)) {
            let passage = try store.passage(id: id)
            return (try store.document(id: passage.documentId), id)
        }
        if ref.uppercased().hasPrefix("PMID:") { ref = String(ref.dropFirst(5)) }
        return try store.pool.read { db -> (DocumentRecord, Int64?) in
            if ref.allSatisfy(\.isNumber), let document = try DocumentRecord.filter(sql: "pmid = ?", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            if ref.hasPrefix("10."), let document = try DocumentRecord.filter(sql: "lower(doi) = lower(?)", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            if ref.uppercased().hasPrefix("PMC"), let document = try DocumentRecord.filter(sql: "upper(pmcid) = upper(?)", arguments: [ref]).fetchOne(db) {
                return (document, nil)
            }
            // path[:line] or path#section
            var path = ref
            var line: Int?
            var section: String?
            if let hash = path.firstIndex(of: "#") {
                section = String(path[path.index(after: hash)...])
                path = String(path[..<hash])
            } else if let colon = path.lastIndex(of: ":"), let number = Int(path[path.index(after: colon)...].prefix { $0.isNumber }) {
                line = number
                path = String(path[..<colon])
            }
            let candidates = try DocumentRecord.filter(sql: "path = ? OR path LIKE ?", arguments: [path, "%/" + path]).fetchAll(db)
            guard let document = candidates.first else {
                throw CommandError("nothing in the index matches \(reference)")
            }
            let passages = try PassageRecord.filter(sql: "document_id = ?", arguments: [document.id!]).order(sql: "ordinal").fetchAll(db)
            if let line {
                let hit = passages.first { ($0.startLine ?? Int.max) <= line && line <= ($0.endLine ?? Int.min) }
                    ?? passages.last { ($0.startLine ?? Int.max) <= line }
                return (document, hit?.id)
            }
            if let section {
                let lowered = section.lowercased()
                return (document, passages.first { $0.headingPath.lowercased().contains(lowered) }?.id)
            }
            return (document, nil)
        }
    }
}

/// `show --json`.
struct ShowOutput: Encodable {
    var reference: String
    var title: String
    var passages: [ShowCommand.Shown]
}
