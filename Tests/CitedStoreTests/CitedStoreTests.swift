import Testing
@testable import CitedStore
