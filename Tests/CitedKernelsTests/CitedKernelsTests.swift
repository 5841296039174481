import Testing
@testable import CitedKernels
