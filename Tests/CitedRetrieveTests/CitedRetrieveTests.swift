import Testing
@testable import CitedRetrieve
