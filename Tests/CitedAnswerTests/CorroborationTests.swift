import CitedCore
import Testing
@testable import CitedAnswer

/// The statin passage is not retrieved for the question, only when a sentence is searched for.
func searchingAnswerer(_ script: String) -> Answerer {
    let model = ScriptedModel(script: script)
    let question = "Does menatetrenone reduce vertebral fractures, and do statins lower LDL cholesterol in diabetes?"
    return Answerer(model: { _ in model }, embedder: HashingEmbedder(), builder: PromptBuilder(library: library),
                    retrieve: { query, _ in query == question ? [corpus[0]] : [corpus[1]] })
}

let bothQuestion = "Does menatetrenone reduce vertebral fractures, and do statins lower LDL cholesterol in diabetes?"
let bothScript = "Menatetrenone 45 mg daily reduced vertebral fractures in postmenopausal women [1]. "
    + "Statin therapy lowered LDL cholesterol in adults with diabetes mellitus."

/// The hashing embedder's cosines are not MiniLM's: thresholds set for it.
var hashingParameters: AskParameters {
    var parameters = AskParameters()
    parameters.policy.minimumEvidence = 0.3
    parameters.policy.corroborationRelevance = 0.15
    // The two-part question names LDL, which the one passage retrieved for it lacks: these tests are about
    // what corroboration finds, not the gate that would abstain first.
    parameters.policy.requireCoveredTerms = false
    // Without a vocabulary its only name is LDL, which the answer's first half rightly does not mention.
    parameters.policy.requireNamedSubject = false
    return parameters
}

/// Counts what it is asked to embed.
final class CountingEmbedder: Embedder {
    let inner = HashingEmbedder()
    var texts: [String] = []
    var stamp: EmbedderStamp { inner.stamp }

    func embed(_ texts: [String]) throws -> [Float] {
        self.texts += texts
        return try inner.embed(texts)
    }
}

@Test("A sentence the given passages do not back is cited to a passage found by searching the index for it")
func corroboration() throws {
    let embedder = CountingEmbedder()
    let model = ScriptedModel(script: bothScript)
    let pipeline = Answerer(model: { _ in model }, embedder: embedder, builder: PromptBuilder(library: library),
                            retrieve: { query, _ in query == bothQuestion ? [corpus[0]] : [corpus[1]] })
    let answer = try pipeline.answer(bothQuestion, parameters: hashingParameters)
    // The searched sentence is verified twice but embedded once.
    #expect(embedder.texts.filter { $0 == "Statin therapy lowered LDL cholesterol in adults with diabetes mellitus." }.count == 1)
    #expect(answer.method == .generated)
    #expect(answer.sentences.last?.trace?.contains { $0.rule == .corroboration && $0.passed } == true)
    #expect(answer.sentences.map(\.support) == [.supported, .supported])
    #expect(answer.sentences.map(\.citations) == [[1], [2]])
    #expect(answer.citations.map(\.passageID) == [11, 12])
    #expect(answer.citations.map(\.n) == [1, 2])
}

@Test("A found passage far from the question, or no search at all, leaves the sentence unsupported")
func corroborationGuards() throws {
    var strict = hashingParameters
    strict.policy.corroborationRelevance = 0.80  // the statin passage is not about this question
    let answer = try searchingAnswerer(bothScript).answer(bothQuestion, parameters: strict)
    #expect(!answer.citations.contains { $0.passageID == 12 })

    var off = hashingParameters
    off.policy.corroborationSearches = 0
    let unsearched = try searchingAnswerer(bothScript).answer(bothQuestion, parameters: off)
    // The unbacked sentence is left out of the answer and kept, with its verdict, in the draft.
    #expect(unsearched.sentences.map(\.support) == [.supported])
    #expect(unsearched.draft.map(\.support) == [.supported, .unsupported])
    #expect(unsearched.citations.map(\.passageID) == [11])
}

@Test("Generation stops at a code fence, and the lead-in sentence before it is dropped")
func stopsAtCodeFence() throws {
    let (pipeline, _) = answerer("Menatetrenone 45 mg daily reduced vertebral fractures in postmenopausal women [1]. "
        + "Here is an example:\n```python\nreduce(fractures)\n```")
    let answer = try pipeline.answer("Does menatetrenone reduce vertebral fractures in postmenopausal women?",
                                     parameters: hashingParameters)
    #expect(answer.sentences.count == 1)
    #expect(!answer.answer.contains("```") && !answer.answer.contains("example"))
}

@Test("A passage found while checking takes a number no listed source has, and is searched for once")
func corroborationNumbering() throws {
    let pipeline = searchingAnswerer("")
    var sources = [1, 2, 3].map { PackedPassage(number: $0, passageID: Int64(20 + $0), source: corpus[0].source, text: "x") }
    var evidence = [1, 2, 3].map { EvidencePassage(number: $0, text: "Unrelated words entirely.") }
    var sentences = Array(repeating: AnswerSentence(text: "Statin therapy lowered LDL cholesterol in adults with diabetes.", citations: []),
                          count: 2)
    let questionVector = try HashingEmbedder().embed([bothQuestion])
    try pipeline.corroborate(&sentences, evidence: &evidence, sources: &sources, verifier: Verifier(),
                             searches: 2, questionVector: questionVector, relevance: 0.1)
    #expect(sentences[0].citations == [4] && sentences[0].support == .supported)
    // The second search finds the same passage, already a source: it is not added twice.
    #expect(sources.map(\.number) == [1, 2, 3, 4])
    #expect(sources.last?.passageID == 12 && evidence.map(\.number) == [1, 2, 3, 4])
}

@Test("A sentence can be attributed to a listed source the model was not given")
func attributionToListedSource() throws {
    let model = ScriptedModel(script: "Menatetrenone 45 mg daily reduced vertebral fractures in postmenopausal women [1]. "
        + "Statin therapy lowered LDL cholesterol in adults with diabetes.")
    let pipeline = Answerer(model: { _ in model }, embedder: HashingEmbedder(), builder: PromptBuilder(library: library),
                            retrieve: { _, k in Array(corpus.prefix(k)) })
    var parameters = hashingParameters
    parameters.policy.relevanceMargin = 0  // only the closest passage reaches the prompt
    parameters.policy.corroborationSearches = 0
    let answer = try pipeline.answer("Does menatetrenone reduce vertebral fractures in postmenopausal women?",
                                     parameters: parameters)
    #expect(!model.lastUser.contains("Statin"))
    #expect(answer.sentences.map(\.citations) == [[1], [2]])
    #expect(answer.sentences.allSatisfy { $0.support == .supported })
    #expect(answer.citations.map(\.passageID) == [11, 12])
}
