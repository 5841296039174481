import Testing
@testable import CitedTokenizer
