import Testing
@testable import CitedAnswer

@Suite("Question words the index never mentions")
struct AbsentTermsTests {
    let index: Set<String> = ["re", "work", "least", "recently", "used", "cache", "repr", "__repr__", "olanzapine", "dose", "sorting",
                              "wavefunction", "ciphers", "studies"]

    @Test("unknown names are found; stop words, short words, numbers and indexed compounds are not")
    func find() throws {
        var asked: [String] = []
        let terms = AbsentTerms(isIndexed: { word in asked.append(word); return index.contains(word) })
        #expect(try terms.find(in: "What starting dose of tirzepatide is used, vs olanzapine 10 mg?") == ["starting", "tirzepatide"])
        #expect(try terms.find(in: "How does a least-recently-used cache work with __repr__ and re-sorting?") == [])
        #expect(try terms.find(in: "Which Kubernetes ingress, and which kubernetes ingress?") == ["kubernetes", "ingress"])
        #expect(!asked.contains("what") && !asked.contains("10") && !asked.contains("mg"))
    }

    @Test("a singular or plural the index has counts as the word")
    func inflections() throws {
        let terms = AbsentTerms(isIndexed: { index.contains($0) })
        #expect(try terms.find(in: "Hydrogen wavefunctions, a Caesar cipher, and cohort study designs?")
            == ["hydrogen", "caesar", "cohort", "designs"])
        // Caesar is an alternative to the indexed Vigenere; tirzepatide is not offered beside anything.
        let vigenere = AbsentTerms(isIndexed: { ["vigenere", "cipher", "dose", "encrypt"].contains($0) })
        #expect(try vigenere.find(in: "Can it encrypt with a Vigenere or Caesar cipher?") == [])
        #expect(try vigenere.find(in: "Can it encrypt with a Caesar or Playfair cipher?") == ["caesar", "playfair"])
        #expect(try vigenere.find(in: "What dose of tirzepatide or semaglutide?") == ["tirzepatide", "semaglutide"])
        #expect(AbsentTerms.inflections(of: "glasses").contains("glass"))
        #expect(AbsentTerms.inflections(of: "studies").contains("study"))
        #expect(AbsentTerms.inflections(of: "cipher") == ["cipher", "ciphers"])
    }
}
