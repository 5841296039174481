import Testing
@testable import CitedGenerate
