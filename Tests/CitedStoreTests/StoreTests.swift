import CitedCore
import Foundation
import GRDB
import Testing
@testable import CitedStore

/// A fresh database in a temporary folder, removed by the caller.
func temporaryStore() throws -> (Store, URL) {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("cited-store-\(UUID().uuidString)", isDirectory: true)
    let store = try Store(url: folder.appendingPathComponent("cited.sqlite"))
    return (store, folder)
}

func sampleDocument(key: String, title: String, kind: DocumentKind = .pubmed, pmid: String? = nil) -> DocumentRecord {
    DocumentRecord(key: key, kind: kind, domain: kind.defaultDomain, root: "/corpus", path: "a/b.xml", pmid: pmid,
                   doi: "10.1/x", title: title, year: 2021,
                   metadata: DocumentMetadata(authors: ["Doe J"], mesh: [.init(descriptor: "Humans", major: false)]),
                   contentHash: "h-\(title)", chunkerVersion: 1)
}

func samplePassages(_ texts: [String]) -> [PassageRecord] {
    texts.enumerated().map {
        PassageRecord(ordinal: $0.offset, text: $0.element, headingPath: "Abstract > RESULTS",
                      locator: "Abstract §RESULTS", tokenCount: 10)
    }
}

@Suite("Store")
struct StoreTests {
    @Test("migrations create the schema and are idempotent")
    func migrations() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let again = try Store(url: store.url)
        let tables = try again.pool.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")
        }
        for name in ["document", "passage", "passage_fts", "source_file", "index_meta"] {
            #expect(tables.contains(name), "missing table \(name)")
        }
        let mode = try again.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test("replace, read back, source and cascade delete keep FTS in sync")
    func roundTrip() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var document = sampleDocument(key: "PMID:1", title: "IL-6 in sepsis", pmid: "1")
        let ids = try store.pool.write {
            try Store.replace(document: &document, passages: samplePassages(["first passage", "second passage"]), in: $0)
        }
        #expect(ids.count == 2)
        let passage = try store.passage(id: ids[1])
        #expect(passage.ordinal == 1 && passage.text == "second passage")
        let read = try store.document(id: document.id!)
        #expect(read.metadata.mesh.first?.descriptor == "Humans")
        #expect(read.year == 2021)
        let source = try store.source(for: ids[0])
        #expect(source == Source(kind: .pubmed, id: "PMID:1", pmid: "1", doi: "10.1/x", path: nil,
                                 title: "IL-6 in sepsis", locator: "Abstract §RESULTS", year: 2021))
        #expect(try store.passages(documentID: document.id!).map(\.text) == ["first passage", "second passage"])
        #expect(try store.passages(ids: [ids[1], 999_999, ids[0]]).map(\.text) == ["second passage", "first passage"])

        // Replacing drops the old passages and their FTS rows.
        var changed = sampleDocument(key: "PMID:1", title: "IL-6 in sepsis", pmid: "1")
        let newIDs = try store.pool.write {
            try Store.replace(document: &changed, passages: samplePassages(["only passage"]), in: $0)
        }
        #expect(newIDs.count == 1)
        #expect(try store.fullTextSearch("\"second\"").isEmpty)
        #expect(try store.fullTextSearch("\"only\"").map(\.passageID) == newIDs)
        // A title change re-indexes the title; the old title no longer matches.
        try store.pool.write { try $0.execute(sql: "UPDATE document SET title = 'Interleukin-6 renamed' WHERE key = 'PMID:1'") }
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.fullTextSearch("\"renamed\"").map(\.passageID) == newIDs)
        #expect(try store.fullTextSearch("\"sepsis\"").isEmpty)
        try store.pool.write { _ = try Store.deleteDocument(key: "PMID:1", in: $0) }
        let counts = try store.pool.read {
            (try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM passage")!,
             try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM passage_fts")!)
        }
        #expect(counts == (0, 0))
        #expect(try store.integrityCheck() == ["ok"])
        #expect(throws: StoreError.passageNotFound(id: ids[0])) { try store.source(for: ids[0]) }
    }

    @Test("rows decode column by column to what GRDB's Codable decoding gives, every column set or NULL")
    func rowDecoding() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var full = DocumentRecord(key: "PMC9", kind: .pmc, domain: .clinical, root: "/r", path: "x/y.nxml", pmid: "9",
                                  pmcid: "PMC9", doi: "10.9/z", title: "Full \u{1F600}", year: 1999, journal: "J",
                                  language: "eng",
                                  metadata: DocumentMetadata(authors: ["A"], mesh: [.init(descriptor: "D", major: true, qualifiers: ["q"])],
                                                             publicationTypes: ["Review"], keywords: ["k"],
                                                             articleIDs: ["pii": "P"], retracted: true,
                                                             retractionIn: ["1"], erratumIn: ["2"]),
                                  contentHash: "c", chunkerVersion: 3)
        var sparse = sampleDocument(key: "doc:1", title: "Sparse", kind: .doc)
        var passages = samplePassages(["one", "two"])
        passages[0].startLine = 3
        passages[0].endLine = 9
        passages[1].startChar = 10
        passages[1].endChar = 20
        passages[1].hasInstructions = true
        try store.pool.write {
            _ = try Store.replace(document: &full, passages: passages, in: $0)
            _ = try Store.replace(document: &sparse, passages: samplePassages(["three"]), in: $0)
        }
        try store.pool.read { db in
            let documentRows = try Row.fetchAll(db, sql: "SELECT * FROM document")
            let passageRows = try Row.fetchAll(db, sql: "SELECT * FROM passage")
            #expect(documentRows.count == 2 && passageRows.count == 3)
            for row in documentRows {
                #expect(try DocumentRecord(row: row) == FetchableRecordDecoder().decode(DocumentRecord.self, from: row))
            }
            for row in passageRows {
                #expect(try PassageRecord(row: row) == FetchableRecordDecoder().decode(PassageRecord.self, from: row))
            }
            // A required column missing is an error, not a crash.
            #expect(throws: (any Error).self) { try PassageRecord(row: try Row.fetchOne(db, sql: "SELECT id FROM passage")!) }
        }
        // Hydration loads only the passages kept, in the order kept, with their documents.
        let ids = try store.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM passage ORDER BY id") }
        var offered: [Int64: Int64] = [:]
        let (kept, documents) = try store.passagesWithDocuments(ids: ids + [999_999]) { documentOf in
            offered = documentOf
            return [ids[2], ids[0]]
        }
        #expect(offered == [ids[0]: full.id!, ids[1]: full.id!, ids[2]: sparse.id!])
        #expect(kept.map(\.text) == ["three", "one"])
        #expect(documents.keys.sorted() == [full.id!, sparse.id!].sorted())
        #expect(try store.passagesWithDocuments(ids: []) { _ in [] }.passages.isEmpty)
    }

    @Test("retracted articles and articles with an erratum carry flags in their sources")
    func retractionFlags() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var retracted = sampleDocument(key: "PMID:1", title: "Retracted: a trial", pmid: "1")
        retracted.metadata.retracted = true
        retracted.metadata.retractionIn = ["2"]
        var corrected = sampleDocument(key: "PMID:3", title: "Corrected", pmid: "3")
        corrected.metadata.erratumIn = ["4"]
        var plain = sampleDocument(key: "PMID:5", title: "Plain", pmid: "5")
        let ids = try store.pool.write { db in
            try Store.replace(document: &retracted, passages: samplePassages(["a"]), in: db)
                + Store.replace(document: &corrected, passages: samplePassages(["b"]), in: db)
                + Store.replace(document: &plain, passages: samplePassages(["c"]), in: db)
        }
        #expect(try store.source(for: ids[0]).flags == ["retracted"])
        #expect(try store.source(for: ids[1]).flags == ["erratum"])
        #expect(try store.source(for: ids[2]).flags == nil)
    }

    @Test("source ids for docs use path#heading and keep the path")
    func docSource() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var document = DocumentRecord(key: "file:/py//library/functools.rst.txt", kind: .doc, domain: .code,
                                      root: "/py", path: "library/functools.rst.txt", title: "functools",
                                      contentHash: "x", chunkerVersion: 1)
        let passage = PassageRecord(ordinal: 0, text: "@functools.lru_cache(maxsize=128)",
                                    headingPath: "functools > lru_cache",
                                    locator: "library/functools.rst.txt:120-148 (lru_cache)", startLine: 120,
                                    endLine: 148, tokenCount: 12)
        let ids = try store.pool.write { try Store.replace(document: &document, passages: [passage], in: $0) }
        let source = try store.source(for: ids[0])
        #expect(source.id == "library/functools.rst.txt#lru_cache")
        #expect(source.path == "library/functools.rst.txt")
        #expect(try store.counts() == [IndexCount(kind: "doc", domain: "code", documents: 1, passages: 1)])
    }

    /// Compounds stay whole: their parts are only found as a prefix (`interleukin` → `interleukin-6`),
    /// not as a suffix (`acetylcysteine`, `cache`), which is the price of keeping `IL-6` one token.
    @Test("tokenizer keeps hyphenated names, gene symbols and identifiers", arguments: [
        ("IL-6", true), ("il-6", true), ("lru_cache", true), ("BRCA1", true), ("interleukin", true),
        ("N-acetylcysteine", true), ("cafe", true), ("acetylcysteine", false), ("cache", false), ("6", false),
    ])
    func tokenizer(query: String, found: Bool) throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var document = sampleDocument(key: "PMID:2", title: "Cytokines", pmid: "2")
        _ = try store.pool.write {
            try Store.replace(document: &document, passages: samplePassages([
                "Interleukin-6 (IL-6) and BRCA1 with N-acetylcysteine; see functools.lru_cache in a café.",
            ]), in: $0)
        }
        let expression = FTSQuery.expression(for: query)
        let hits = try store.fullTextSearch(expression)
        #expect(hits.isEmpty != found, "\(query) -> \(expression)")
    }
}

@Suite("Metadata JSON")
struct MetadataJSONTests {
    @Test("hand-written JSON decodes to the same value, escapes included")
    func roundTrip() throws {
        let metadata = DocumentMetadata(authors: ["O'Brien \"J\"", "Smith\\A", "Ünal\nB\u{1}"],
                                        mesh: [.init(descriptor: "Interleukin-6", major: true, qualifiers: ["blood*"])],
                                        publicationTypes: ["Retracted Publication"], keywords: ["中文", "🎉"],
                                        articleIDs: ["pii": "S0", "mid": "NIHMS1"], retracted: true,
                                        retractionIn: ["PMID:1"], erratumIn: [])
        let decoded = try JSONDecoder().decode(DocumentMetadata.self, from: Data(metadata.json.utf8))
        #expect(decoded == metadata)
        #expect(DocumentMetadata().json.hasPrefix("{\"articleIDs\":{}"))
    }

    @Test("exact text: sorted keys, escapes, raw UTF-8")
    func exactText() {
        let metadata = DocumentMetadata(authors: ["A\"\\\n\r\t\u{1}\u{1F}é/"],
                                        mesh: [.init(descriptor: "D", major: false, qualifiers: ["q"])],
                                        articleIDs: ["pii": "P", "mid": "M"], retracted: true)
        #expect(metadata.json == #"{"articleIDs":{"mid":"M","pii":"P"},"authors":["A\"\\\n\r\t\u0001\u001fé/"],"#
            + #""erratumIn":[],"keywords":[],"mesh":[{"descriptor":"D","major":false,"qualifiers":["q"]}],"#
            + #""publicationTypes":[],"retracted":true,"retractionIn":[]}"#)
    }
}

@Suite("Passage batches")
struct PassageBatchTests {
    @Test("multi-row batches store the same rows, ids and FTS answers as one insert per passage")
    func sameAsOneByOne() throws {
        let (batched, folderA) = try temporaryStore()
        let (single, folderB) = try temporaryStore()
        defer {
            try? FileManager.default.removeItem(at: folderA)
            try? FileManager.default.removeItem(at: folderB)
        }
        // 700 passages: two full 256-row statements and a shorter one.
        let documents = (0..<70).map { d in
            (sampleDocument(key: "PMID:\(d)", title: "Trial \(d) of drug \(d % 7)", pmid: "\(d)"),
             samplePassages((0..<10).map { "passage \($0) of document \(d) about word\(d * 10 + $0) and sepsis" }))
        }
        var batchIDs: [Int64] = []
        try batched.pool.write { db in
            var batch = PassageBatch()
            for (document, passages) in documents {
                var document = document
                batch.append(passages, documentID: try Store.insert(document: &document, in: db))
            }
            #expect(batch.count == 700)
            batchIDs = try batch.write(in: db)
            #expect(batch.count == 0)
        }
        var singleIDs: [Int64] = []
        try single.pool.write { db in
            for (document, passages) in documents {
                var document = document
                let documentID = try Store.insert(document: &document, in: db)
                for var passage in passages {
                    passage.documentId = documentID
                    try passage.insert(db)
                    singleIDs.append(passage.id!)
                }
            }
        }
        #expect(batchIDs == singleIDs)
        let rows = "SELECT id, document_id, ordinal, text, heading_path, locator, token_count FROM passage ORDER BY id"
        #expect(try batched.pool.read { try Row.fetchAll($0, sql: rows) } == single.pool.read { try Row.fetchAll($0, sql: rows) })
        for query in ["sepsis", "word345", "\"document 12\"", "title:trial AND drug"] {
            #expect(try batched.fullTextSearch(query, limit: 50).map(\.passageID)
                    == single.fullTextSearch(query, limit: 50).map(\.passageID), "\(query)")
        }
        #expect(try batched.integrityCheck() == ["ok"])
    }

    @Test("an empty batch writes nothing")
    func empty() throws {
        let (store, folder) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var batch = PassageBatch()
        #expect(try store.pool.write { try batch.write(in: $0) } == [])
    }
}
