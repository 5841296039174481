import Testing
@testable import CitedAnswer

let passages = [
    EvidencePassage(number: 1, text: "Menatetrenone (vitamin K2) 45 mg/day reduced vertebral fractures in postmenopausal women with osteoporosis."),
    EvidencePassage(number: 2, text: "functools.lru_cache(maxsize=128) caches the results of a function; maxsize=None makes the cache unbounded."),
]

@Test("Key terms: numbers, gene symbols, code names")
func keyTerms() {
    let terms = KeyTerms.extract("BRCA1 carriers took 1,000 mg of IL-6 blockers via functools.partial and lru_cache (30%).")
    #expect(terms.numbers == ["1000", "30"])
    #expect(terms.identifiers == ["brca1", "functools.partial", "il-6", "lru_cache"])
    #expect(KeyTerms.extract("The patients improved.").all.isEmpty)
    #expect(KeyTerms.extract("YES, it is NOT needed for HIV.").identifiers == ["hiv"])
}

@Test("A sentence whose dose is in the cited passage is supported; a wrong dose is not")
func doses() {
    let verifier = Verifier()
    let right = verifier.verify([AnswerSentence(text: "Vitamin K2 at 45 mg/day reduced vertebral fractures in postmenopausal women.", citations: [1])], passages: passages)
    #expect(right[0].support == .supported)
    #expect(right[0].citations == [1])
    let wrong = verifier.verify([AnswerSentence(text: "Vitamin K2 at 90 mg/day reduced vertebral fractures in postmenopausal women.", citations: [1])], passages: passages)
    #expect(wrong[0].support == .unsupported)
}

@Test("A sentence citing the wrong passage, or none, is attributed to the one that backs it")
func attribution() {
    let verifier = Verifier()
    let sentences = [
        AnswerSentence(text: "Setting maxsize=None makes the lru_cache unbounded.", citations: [1]),
        AnswerSentence(text: "Setting maxsize=None makes the lru_cache unbounded.", citations: []),
        AnswerSentence(text: "Aspirin prevents migraines in children.", citations: [1, 2]),
    ]
    let verified = verifier.verify(sentences, passages: passages)
    #expect(verified[0].citations == [2] && verified[0].support == .supported)
    #expect(verified[1].citations == [2] && verified[1].support == .supported)
    #expect(verified[2].support == .unsupported)
}

@Test("Citation numbers of passages that were not given are dropped")
func unknownCitations() {
    // Passage 7 was never given: its number goes, and no given passage backs the sentence to take its place.
    let verified = Verifier().verify([AnswerSentence(text: "Aspirin prevents migraines.", citations: [7])], passages: passages)
    #expect(verified[0].citations == [])
    #expect(verified[0].support == .unsupported)
    #expect(verified[0].trace?.first?.rule == .content)
    // A backed sentence citing [7] is re-attributed to the given passage that backs it.
    let backed = Verifier().verify([AnswerSentence(text: "Setting maxsize=None makes the lru_cache unbounded.", citations: [7])],
                                   passages: passages)
    #expect(backed[0].citations == [2] && backed[0].support == .supported)
}

@Test("Embedder similarity can support a paraphrase without shared words")
func similarity() {
    var withVectors = passages
    withVectors[0].vector = [1, 0]
    withVectors[1].vector = [0, 1]
    let verifier = Verifier(embed: { _ in [0.8, 0.6] })
    let verified = verifier.verify([AnswerSentence(text: "It lowers the chance of spine breaks.", citations: [1])], passages: withVectors)
    #expect(verified[0].support == .supported)
}

@Test("A sentence that states nothing (a stray bracket, a bare lead-in) is never supported")
func emptySentences() {
    // Even an embedder that calls everything identical cannot make them supported.
    let verifier = Verifier(embed: { _ in [1, 0] })
    let withVectors = passages.map { EvidencePassage(number: $0.number, text: $0.text, vector: [1, 0]) }
    let verified = verifier.verify([AnswerSentence(text: "[", citations: [1, 2]),
                                    AnswerSentence(text: "It is:", citations: [1])], passages: withVectors)
    #expect(verified.allSatisfy { $0.support == .unsupported })
}

@Test("Names written in backticks are code names the cited passage must contain")
func codeNames() {
    #expect(KeyTerms.codeNames("Use the `weakref` module or `heapq.nsmallest()`, not `@const`; `x = 1` is code.")
        == ["weakref", "heapq.nsmallest", "const"])
    let verifier = Verifier()
    let sentence = "Setting maxsize=None makes the `functools.lru_cache` unbounded with the `frobnicate` switch."
    #expect(verifier.verify([AnswerSentence(text: sentence, citations: [2])], passages: passages)[0].support == .unsupported)
}

@Test("A module named only in the page's title or path still backs a dotted or plain name")
func namesInContext() {
    let text = "nsmallest(n, iterable) returns a list with the n smallest elements from the dataset."
    let sentence = AnswerSentence(text: "Use `heapq.nsmallest` from the `heapq` module to get the n smallest elements.",
                                  citations: [1])
    let titled = EvidencePassage(number: 1, text: text, context: ":mod:`heapq` --- Heap queue algorithm library/heapq.rst.txt")
    #expect(Verifier().verify([sentence], passages: [titled])[0].support == .supported)
    let untitled = EvidencePassage(number: 1, text: text)
    #expect(Verifier().verify([sentence], passages: [untitled])[0].support == .unsupported)
}

@Test("Among passages that back a sentence equally, the one whose page is named after its code name is cited")
func namedPageAttribution() {
    let text = "The csv module reads comma separated values into dictionaries with DictReader."
    let sentence = AnswerSentence(text: "Use the `csv` module to read comma separated values into dictionaries.", citations: [])
    let plain = [EvidencePassage(number: 1, text: text, context: "What's New in Python 2.3"),
                 EvidencePassage(number: 2, text: text, context: ":mod:`csv` --- CSV File Reading and Writing")]
    #expect(Verifier().verify([sentence], passages: plain)[0].citations == [2])
    // Otherwise the best-ranked passage wins.
    let unnamed = plain.map { EvidencePassage(number: $0.number, text: $0.text) }
    #expect(Verifier().verify([sentence], passages: unnamed)[0].citations == [1])
}
