import Foundation
import Testing
@testable import CitedCore

@Test("CITED_HOME overrides the default cache folder")
func citedHomeOverride() {
    let home = CitedHome(environment: ["CITED_HOME": "/tmp/x", "HOME": "/root"])
    #expect(home.models.path == "/tmp/x/models")
    let fallback = CitedHome(environment: ["HOME": "/home/u"])
    #expect(fallback.root.path == "/home/u/.cache/cited")
}

@Test("Each document kind maps to its default domain")
func kindDomains() {
    #expect(DocumentKind.pubmed.defaultDomain == .clinical)
    #expect(DocumentKind.doc.defaultDomain == .code)
    #expect(DocumentKind.note.defaultDomain == .math)
}
