import Testing
@testable import CitedPostgres
