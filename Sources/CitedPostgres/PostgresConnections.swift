import CitedStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Errors of the PostgreSQL store, each naming the store (its URL without password).
public enum PostgresStoreError: Error, CustomStringConvertible {
    case cannotConnect(store: String, reason: String)
    case server(store: String, message: String, sqlState: String?)
    case missingExtension(store: String, reason: String)
    case unexpectedResult(store: String, what: String)

    public var description: String {
        switch self {
        case .cannotConnect(let store, let reason): "cannot connect to \(store): \(reason)"
        case .server(let store, let message, let state):
            "\(store): \(message)" + (state.map { " (SQLSTATE \($0))" } ?? "")
        case .missingExtension(let store, let reason):
            "\(store): the pgvector extension is not available (\(reason)); install pgvector >= 0.6 on the server (0.8 or later for iterative filtered scans)"
        case .unexpectedResult(let store, let what): "\(store): unexpected result: \(what)"
        }
    }

    /// SQLSTATE 40P01 (deadlock) and 40001 (serialization): the transaction may simply be run again.
    public var isRetryable: Bool {
        if case .server(_, _, let state) = self { return state == "40P01" || state == "40001" }
        return false
    }
}

/// Positional parameters (`$1`, `$2`, …) for one statement: every value is bound, never spliced into SQL.
struct Binds {
    private(set) var bindings = PostgresBindings()
    private(set) var count = 0

    /// Binds `value` and returns its placeholder.
    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    /// Binds `value` or NULL and returns its placeholder.
    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        if let value { bindings.append(value) } else { bindings.appendNull() }
        count += 1
        return "$\(count)"
    }
}

/// One connection lent by the pool: blocking queries (the caller's thread waits on NIO's event loop, never on
/// Swift's cooperative pool, so it is safe from any thread).
struct Session {
    let connection: PostgresConnection
    let logger: Logger
    let store: String

    /// Runs `sql` with `binds` and returns every row.
    @discardableResult
    func query(_ sql: String, _ binds: Binds = Binds()) throws -> [PostgresRow] {
        // A query on a connection the server has closed (a crashed or restarted backend) may never complete.
        guard !connection.isClosed else {
            throw PostgresStoreError.cannotConnect(store: store, reason: "the server closed the connection")
        }
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds.bindings), logger: logger).wait().rows
        } catch {
            throw Session.describe(error, store: store)
        }
    }

    /// Runs statements without parameters, one by one (several may be separated by `;`; Cited's own SQL holds no
    /// `;` inside a literal).
    func execute(_ sql: String) throws {
        for statement in sql.split(separator: ";") {
            let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { try query(text) }
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// A one-line error with the server's message and SQLSTATE (PSQLError's own description hides them).
    static func describe(_ error: any Error, store: String) -> any Error {
        if let error = error as? PostgresStoreError { return error }
        guard let psql = error as? PSQLError else {
            return PostgresStoreError.server(store: store, message: String(describing: error), sqlState: nil)
        }
        if let info = psql.serverInfo {
            var message = info[.message] ?? "server error"
            if let detail = info[.detail] { message += " (\(detail))" }
            return PostgresStoreError.server(store: store, message: message, sqlState: info[.sqlState])
        }
        let underlying = psql.underlying.map { String(describing: $0) } ?? "\(psql.code)"
        return PostgresStoreError.cannotConnect(store: store, reason: underlying)
    }
}

/// A small blocking pool of connections to one database: a caller takes an idle connection or opens one (up to
/// `limit`), else waits. Broken connections are dropped, not returned.
final class ConnectionPool: @unchecked Sendable {
    let store: String
    private let configuration: PostgresConnection.Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let limit: Int
    /// Statements each new connection runs first (session settings); see `useSetup`.
    private var setup: String
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0

    init(configuration: PostgresConnection.Configuration, store: String, limit: Int, setup: String, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.limit = limit
        self.setup = setup
        self.logger = logger
        group = MultiThreadedEventLoopGroup.singleton
    }

    deinit {
        for connection in idle { try? connection.close().wait() }
    }

    /// From now on each new connection runs `statements` first; connections opened before are closed.
    func useSetup(_ statements: String) {
        condition.lock()
        setup = statements
        condition.unlock()
        close()
    }

    /// Runs `body` with a connection of its own.
    func with<T>(_ body: (Session) throws -> T) throws -> T {
        let connection = try acquire()
        do {
            let value = try body(Session(connection: connection, logger: logger, store: store))
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    private func acquire() throws -> PostgresConnection {
        condition.lock()
        while true {
            if let connection = idle.popLast() {
                if connection.isClosed {  // closed by the server while idle: open another
                    open -= 1
                    continue
                }
                condition.unlock()
                return connection
            }
            if open < limit {
                open += 1
                nextID += 1
                let id = nextID
                let setup = self.setup
                condition.unlock()
                do {
                    let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id,
                                                                    logger: logger).wait()
                    if !setup.isEmpty {
                        try Session(connection: connection, logger: logger, store: store).execute(setup)
                    }
                    return connection
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw Session.describe(error, store: store)
                }
            }
            condition.wait()
        }
    }

    private func release(_ connection: PostgresConnection) {
        condition.lock()
        if connection.isClosed {
            open -= 1
        } else {
            idle.append(connection)
        }
        condition.signal()
        condition.unlock()
    }

    /// Closes the idle connections (those in use close when returned... or with the process).
    func close() {
        condition.lock()
        let closing = idle
        idle.removeAll()
        open -= closing.count
        condition.unlock()
        for connection in closing { try? connection.close().wait() }
    }
}

extension PostgresRow {
    /// The cell at `index` decoded as `T` (NULL allowed when `T` is optional).
    func get<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try makeRandomAccess()[index].decode(T.self)
    }
}
