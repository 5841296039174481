import Testing
@testable import CitedAnswer

@Suite("Question words the index never mentions")
struct AbsentTermsTests {
    let index: Set<String> = ["re", "work", "least", "recently", "used", "cache", "repr", "__repr__", "olanzapine", "dose", "sorting"]

    @Test("unknown names are found; stop words, short words, numbers and indexed compounds are not")
    func find() throws {
        var asked: [String] = []
        let terms = AbsentTerms(isIndexed: { word in asked.append(word); return index.contains(word) })
        #expect(try terms.find(in: "What starting dose of tirzepatide is used, vs olanzapine 10 mg?") == ["starting", "tirzepatide"])
        #expect(try terms.find(in: "How does a least-recently-used cache work with __repr__ and re-sorting?") == [])
        #expect(try terms.find(in: "Which Kubernetes ingress, and which kubernetes ingress?") == ["kubernetes", "ingress"])
        #expect(!asked.contains("what") && !asked.contains("10") && !asked.contains("mg"))
    }
}
