import Testing
@testable import CitedIngest
