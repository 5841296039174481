import Foundation
import GRDB
import Testing
@testable import CitedStore

/// `--index` pointed at a database Cited did not make, or made by a newer Cited: refused, and left unchanged.
@Suite("Foreign and newer databases")
struct ForeignDatabaseTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cited-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func tables(_ url: URL) throws -> [String] {
        try DatabaseQueue(path: url.path).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
    }

    @Test("an SQLite file of another program is not migrated into")
    func foreign() throws {
        let base = try folder()
        defer { try? FileManager.default.removeItem(at: base) }
        let url = base.appendingPathComponent("cited.sqlite")
        try DatabaseQueue(path: url.path).write { try $0.execute(sql: "CREATE TABLE t(x); INSERT INTO t VALUES (1)") }
        let error = #expect(throws: StoreError.self) { _ = try Store(url: url) }
        #expect(error == .notAnIndex(path: url.path))
        #expect(error?.description.contains("not a Cited index") == true)
        #expect(try tables(url) == ["t"])
    }

    @Test("an index from a newer schema is refused, not misread; an empty file becomes an index")
    func newer() throws {
        let base = try folder()
        defer { try? FileManager.default.removeItem(at: base) }
        let url = base.appendingPathComponent("cited.sqlite")
        do { _ = try Store(url: url) }
        try DatabaseQueue(path: url.path).write {
            try $0.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-future')")
        }
        let error = #expect(throws: StoreError.self) { _ = try Store(url: url) }
        #expect(error == .newerSchema(path: url.path, migration: "v99-future"))
        let empty = base.appendingPathComponent("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        _ = try Store(url: empty)
        #expect(try tables(empty).contains("passage"))
    }
}
