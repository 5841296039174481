import CitedStore
import Foundation
import Logging
import PostgresNIO

/// Databases on a server, for tests, benchmarks and `index export` into a new database.
public enum PostgresAdmin {
    /// Creates database `name` on the server `server` names (any database URL of it); a no-op when it exists.
    /// - Parameter name: 1 to 63 characters of `a-z`, `0-9`, `_`, starting with a letter (it cannot be bound).
    public static func createDatabase(server: URL, name: String) throws {
        try checked(name)
        try withMaintenanceSession(server) { session in
            var binds = Binds()
            let exists = !(try session.query("SELECT 1 FROM pg_database WHERE datname = \(binds.add(name))", binds).isEmpty)
            if !exists { try session.execute("CREATE DATABASE \(name)") }
        }
    }

    /// Drops database `name` (closing other sessions on it); a no-op when it does not exist.
    public static func dropDatabase(server: URL, name: String) throws {
        try checked(name)
        try withMaintenanceSession(server) { try $0.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// `server` with its database replaced by `name`.
    public static func url(server: URL, database name: String) -> URL {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        components.path = "/" + name
        return components.url!
    }

    private static func checked(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard (1...63).contains(name.utf8.count), allowed, let first = name.utf8.first, first >= 0x61, first <= 0x7A else {
            throw StoreError.badStoreURL(String(name.prefix(80)), reason: "database names are 1-63 of a-z, 0-9, _ (starting with a letter)")
        }
    }

    private static func withMaintenanceSession(_ server: URL, _ body: (Session) throws -> Void) throws {
        let maintenance = url(server: server, database: "postgres")
        let configuration = try PostgresStore.configuration(for: maintenance)
        let pool = ConnectionPool(configuration: configuration, store: StoreLocation.redacted(maintenance.absoluteString), limit: 1,
                                  setup: "", logger: Logger(label: "cited.postgres.admin"))
        defer { pool.close() }
        try pool.with(body)
    }
}
