import CitedTestSupport
import Foundation

/// The demo index made with the built `cited`, shared by the tests of this target.
enum DemoIndex {
    /// The demo corpus ingested once per test run (real MiniLM vectors).
    static let index: Result<URL, Error> = Result { try BuiltProducts.demoIndex("mcp") }
}
