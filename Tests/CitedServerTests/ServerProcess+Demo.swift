import CitedTestSupport
import Foundation

extension ServerProcess {
    /// A fresh index of the demo corpus, made once per test run.
    static let demoIndex: Result<URL, Error> = Result { try BuiltProducts.demoIndex("serve") }
}
