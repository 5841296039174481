import CitedStore
import Foundation

/// Opens the index a `StoreLocation` names: the SQLite file in a folder, or a PostgreSQL database.
public enum IndexStores {
    /// The SQLite file inside an index folder.
    public static func databaseURL(folder: URL) -> URL { folder.appendingPathComponent("cited.sqlite") }

    /// Opens (creating if needed) the index at `location` and applies its migrations.
    public static func open(_ location: StoreLocation) throws -> any IndexStore {
        switch location {
        case .folder(let folder): try Store(url: databaseURL(folder: folder), migrations: VectorTable.register)
        case .postgres(let url): try PostgresStore(url: url)
        }
    }
}
