import CitedTestSupport
import Foundation
import Testing

/// The web page in a real headless browser (Debian's Chromium): it asks the demo question, and the rendered
/// page must show the sources, each checked sentence with its verdict, clickable citations, and the first
/// citation's passage opened and highlighted with its PubMed link.
@Suite("web page in a headless browser", .serialized)
struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("the page renders a checked, cited answer and opens a citation's passage")
    func renderedAnswer() throws {
        let browser = try #require(Self.chromium, "install Debian's chromium (scripts/test.sh does)")
        let server = try ServerProcess(index: try ServerProcess.demoIndex.get())
        defer { server.stop() }
        let question = ServerEndToEndTests.olanzapine.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        // The page streams its answer; a DevTools client waits until the page marks itself answered.
        let script = try #require(Bundle.module.url(forResource: "browser_check", withExtension: "py", subdirectory: "Fixtures"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, browser, "http://127.0.0.1:\(server.port)/?q=\(question)&open=1", "", "240"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the page reached its answered state")
        let dom = String(decoding: data, as: UTF8.self)
        #expect(dom.contains(#"data-state="answered""#), "the answer arrived: \(dom.suffix(600))")
        #expect(dom.contains(#"<ol id="sources"><li>"#), "the sources are listed")
        #expect(dom.contains(#"class="sentence" data-support="supported""#), "a sentence carries its verdict")
        #expect(dom.contains(#"data-ref="PMID:33046432""#), "a citation links the source")
        #expect(dom.contains(#"class="passage focus""#), "the cited passage opened, highlighted")
        #expect(dom.contains("https://pubmed.ncbi.nlm.nih.gov/33046432/"), "with its PubMed link")
        #expect(dom.contains("Not for diagnosis"), "the clinical notice is shown")
    }
}
