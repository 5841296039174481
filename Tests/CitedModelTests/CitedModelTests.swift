import Testing
@testable import CitedModel
