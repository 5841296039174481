import CitedCore
import Foundation

/// A passage found for a question, as the answer pipeline needs it.
public struct RetrievedPassage: Sendable {
    public var passageID: Int64
    public var source: Source
    public var text: String
    /// The retrieval score (fused rank score in hybrid mode).
    public var score: Double

    public init(passageID: Int64, source: Source, text: String, score: Double = 0) {
        self.passageID = passageID
        self.source = source
        self.text = text
        self.score = score
    }
}

/// The generator as the answer pipeline sees it; the product wraps the GGUF engine, tests script it.
public protocol AnswerModel: AnyObject {
    var name: String { get }
    /// The decoded text of every vocabulary entry, for the citation constraint.
    var tokenTexts: [String] { get }
    /// Greedy (or seeded) generation of the chat turn `prompt`, streaming text; returns the whole text,
    /// ended early (and cut) where one of `stop` would appear.
    func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                  constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                  onText: (String) -> Void) throws -> String
}

/// Settings of one `ask`.
public struct AskParameters: Sendable {
    /// Passages retrieved before packing.
    public var k = 6
    /// Token budget for the packed passages.
    public var contextBudget = 1200
    /// One to three sentences need under 100 tokens; more is a small model rambling past its sources.
    public var maxTokens = 100
    public var seed: UInt64 = 0
    public var domain: Domain?
    /// Drop unsupported sentences instead of flagging them.
    public var strict = false
    /// Below this question–passage cosine the evidence is too weak to answer. Calibrated with MiniLM on
    /// Corpora/eval/answers-dev.jsonl (full index, convex hybrid retrieval): the best passage of answerable
    /// questions scored 0.45–0.92, of unanswerable ones 0.35–0.59.
    public var minimumEvidence: Float = 0.52
    /// Below this cosine, a question word the index never mentions (see `AbsentTerms`) means abstention.
    /// With 0.52 above: 16/17 unanswerable and 4/67 answerable dev questions abstain.
    public var groundedEvidence: Float = 0.65
    /// At or above this cosine the model may not decline: the sentinel cannot open the answer, and a
    /// declined or failed answer falls back to quoting the passages. Equal to `minimumEvidence` by
    /// default: on the dev set the 0.5B model declined answerable questions and answered unanswerable
    /// ones in the band between the two, so the retrieval evidence decides alone.
    public var strongEvidence: Float = 0.52
    /// Passages less similar to the question than the best one by more than this are left out.
    public var relevanceMargin: Float = 0.15
    /// At most this many passages go into the prompt (each costs prefill time before the first word).
    public var maxPassages = 3
    /// Passages listed as sources: those given to the model, then the next best. Sentences are checked
    /// against all of them, so the answer may cite one the model did not read (at no prefill cost).
    public var listedPassages = 5
    /// Passages longer than this (estimated tokens) reach the prompt as an excerpt of their parts closest
    /// to the question; nil gives whole passages.
    public var excerptBudget: Int? = 64
    /// At most this many sentences the given passages do not back are searched for in the whole index
    /// (see `Answerer.corroborate`); 0 turns the search off.
    public var corroborationSearches = 2

    public init() {}
}

/// The pipeline: retrieve, route, pack, prompt, generate under the citation constraint, verify,
/// and abstain when the evidence or the checks fail.
public final class Answerer {
    /// The model for a domain, loaded on first use (after the sources are on screen).
    public let model: (Domain) throws -> AnswerModel
    public let embedder: Embedder
    public let builder: PromptBuilder
    public let retrieve: (_ question: String, _ k: Int) throws -> [RetrievedPassage]
    public var verificationPolicy = VerificationPolicy()
    /// Finds question words missing from the index (nil: not checked).
    public var absentTerms: AbsentTerms?
    /// The prompt of the last generated answer (for the audit record).
    public private(set) var lastPrompt: Prompt?
    /// What the last question retrieved (for the audit record).
    public private(set) var lastRetrieved: [RetrievedPassage] = []

    public init(model: @escaping (Domain) throws -> AnswerModel, embedder: Embedder, builder: PromptBuilder,
                retrieve: @escaping (_ question: String, _ k: Int) throws -> [RetrievedPassage]) {
        self.model = model
        self.embedder = embedder
        self.builder = builder
        self.retrieve = retrieve
    }

    /// Answers `question`. `onSources` gets the packed passages as soon as they are known, `onText`
    /// the streamed model text.
    public func answer(_ question: String, parameters: AskParameters,
                       onSources: ([PackedPassage]) -> Void = { _ in },
                       onText: (String) -> Void = { _ in }) throws -> Answer {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsedMS() -> Int { Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }

        let hits = try retrieve(question, parameters.k)
        lastRetrieved = hits
        let domain = parameters.domain ?? DomainRouter.route(question: question, topKinds: hits.map(\.source.kind))
        let ranked = hits.enumerated().map { index, hit in
            PackedPassage(number: index + 1, passageID: hit.passageID, source: hit.source, text: hit.text)
        }
        // The sources go on screen now, before anything is embedded, numbered as the answer will cite them:
        // the best `maxPassages` (for the prompt), then the next best up to `listedPassages`.
        let given = ContextPacker.pack(Array(ranked.prefix(parameters.maxPassages)), budget: parameters.contextBudget,
                                       tokenCount: Self.approximateTokens)
        let shown = given + ranked.dropFirst(parameters.maxPassages).prefix(max(parameters.listedPassages - given.count, 0))
            .enumerated().map { offset, passage in
                var numbered = passage
                numbered.number = given.count + offset + 1
                return numbered
            }
        var timings = AnswerTimings()
        timings.retrieve = elapsedMS()
        onSources(shown)
        // Embed the question and every candidate once: for the evidence check, the relevance cut and
        // the verifier's similarity.
        let dimension = embedder.stamp.dimension
        let vectors = try embedder.embed([question] + ranked.map(\.text))
        let questionVector = Array(vectors[0..<dimension])
        let similarities = ranked.indices.map { index in
            Self.dot(questionVector, Array(vectors[(index + 1) * dimension..<(index + 2) * dimension]))
        }
        // Give the model only the shown passages close to the best candidate: distractors cost prefill
        // time and lure small models. They keep their numbers, so [n] always means the n-th source shown.
        let strongest = similarities.max() ?? 0
        let packed = given.filter { passage in
            similarities[ranked.firstIndex { $0.passageID == passage.passageID }!] >= max(strongest - parameters.relevanceMargin, 0)
        }

        var answer = Answer(question: question, answer: "", abstained: false, abstentionReason: nil, domain: domain,
                            sentences: [], citations: [], nearest: [], method: "generated", model: "",
                            embedder: embedder.stamp.name, notice: domain == .clinical ? Answer.clinicalNotice : nil,
                            timingsMS: timings, auditID: nil)
        answer.evidence = strongest
        // Sentences are checked against every passage on screen: one the model was not given (cut above
        // as less similar) can still be what backs a sentence, and the reader sees it under its number.
        var evidence = shown.map { passage in
            let index = ranked.firstIndex { $0.passageID == passage.passageID }!
            return EvidencePassage(number: passage.number, text: passage.text,
                                   vector: Array(vectors[(index + 1) * dimension..<(index + 2) * dimension]),
                                   context: Self.context(of: passage.source))
        }
        guard !packed.isEmpty, strongest >= parameters.minimumEvidence else {
            return abstain(answer, reason: "weak-evidence", packed: shown, start: start)
        }
        if strongest < parameters.groundedEvidence, let absentTerms {
            answer.absentTerms = try absentTerms.find(in: question)
            if !answer.absentTerms.isEmpty { return abstain(answer, reason: "absent-terms", packed: shown, start: start) }
        }

        let model = try self.model(domain)
        answer.model = model.name
        var promptPassages = packed
        if let budget = parameters.excerptBudget {
            promptPassages = try excerpts(of: packed, questionVector: questionVector, budget: budget)
        }
        let prompt = builder.build(question: question, domain: domain, passages: promptPassages)
        lastPrompt = prompt
        let constraint = CitationConstraint(tokenTexts: model.tokenTexts, allowed: Set(packed.map(\.number)),
                                            forbidSentinel: strongest >= parameters.strongEvidence)
        var firstToken = 0
        let text = try model.generate(prompt, maxTokens: parameters.maxTokens, seed: parameters.seed,
                                      stop: Self.stopStrings, constrain: constraint.apply) { piece in
            if firstToken == 0 { firstToken = elapsedMS() }
            onText(piece)
        }
        answer.timingsMS.firstToken = firstToken
        let declined = text.uppercased().contains(PromptLibrary.sentinel)
        if declined && strongest < parameters.strongEvidence {
            return abstain(answer, reason: "sentinel", packed: packed, start: start)
        }

        // A sentence that is searched for is verified twice (against the listed and the found passages):
        // embed it once.
        var sentenceVectors: [String: [Float]] = [:]
        let verifier = Verifier(policy: verificationPolicy) { [embedder] sentence in
            if let vector = sentenceVectors[sentence] { return vector }
            let vector = try embedder.embed([sentence])
            sentenceVectors[sentence] = vector
            return vector
        }
        var sources = shown
        var sentences = declined ? [] : verifier.verify(Self.statements(of: text), passages: evidence)
        try corroborate(&sentences, evidence: &evidence, sources: &sources, verifier: verifier,
                        searches: parameters.corroborationSearches, questionVector: questionVector,
                        relevance: parameters.minimumEvidence - parameters.relevanceMargin)
        if !sentences.contains(where: { $0.support == .supported }) {
            // The generated answer failed its checks: quote the passages' best sentences instead, the ones
            // closest to the question and to what the model tried to say.
            answer.draft = sentences
            sentences = try extractive(questionVector: questionVector, draft: declined ? "" : text, passages: evidence)
            answer.method = "extractive"
        }
        if parameters.strict { sentences.removeAll { $0.support == .unsupported } }
        guard sentences.contains(where: { $0.support == .supported }) else {
            return abstain(answer, reason: "unsupported", packed: packed, start: start)
        }
        answer.sentences = sentences
        answer.answer = sentences.map { sentence in
            sentence.text + (sentence.citations.isEmpty ? "" : " " + sentence.citations.map { "[\($0)]" }.joined())
        }.joined(separator: " ")
        let used = Set(sentences.flatMap(\.citations))
        answer.citations = sources.filter { used.contains($0.number) }.map(Self.citation)
        answer.timingsMS.total = elapsedMS()
        return answer
    }

    /// The passages with each text over `budget` cut to its units closest to the question (one embedder call).
    func excerpts(of passages: [PackedPassage], questionVector: [Float], budget: Int) throws -> [PackedPassage] {
        let units = passages.map { Self.approximateTokens($0.text) > budget ? Excerpt.units(of: $0.text) : [] }
        let flat = units.flatMap { $0 }
        guard !flat.isEmpty else { return passages }
        let vectors = try embedder.embed(flat)
        let dimension = embedder.stamp.dimension
        var offset = 0
        return zip(passages, units).map { passage, parts in
            guard !parts.isEmpty else { return passage }
            let similarity = parts.indices.map { index in
                Self.dot(questionVector, Array(vectors[(offset + index) * dimension..<(offset + index + 1) * dimension]))
            }
            offset += parts.count
            var shortened = passage
            shortened.text = Excerpt.select(parts, similarity: similarity, budget: budget, tokenCount: Self.approximateTokens)
            return shortened
        }
    }

    /// Where generation stops: an answer is sentences; a code block after them would be the model's own
    /// example, which no source states (the sources' examples are one `cited show` away).
    static let stopStrings = ["```"]

    /// The sentences of a generated answer that state something: a sentence ending in ":" only announces
    /// what follows (the code block generation stopped at, a list).
    static func statements(of text: String) -> [AnswerSentence] {
        SentenceSplitter.split(text).filter { !$0.text.hasSuffix(":") }
    }

    /// Sentences the given passages do not back are searched for in the whole index, the sentence itself
    /// the query (at most `searches` of them). A passage found that supports one joins the sources under
    /// the next free number and is cited; the verdict is the verifier's, as for any other citation.
    /// Only passages at least `relevance` close to the question are considered (the answerer passes the
    /// least a passage given to the model can have): a sentence can match a passage about something else.
    /// `sources` are the passages listed so far (their numbers are taken), `evidence` the same as the
    /// verifier sees them.
    func corroborate(_ sentences: inout [AnswerSentence], evidence: inout [EvidencePassage],
                     sources: inout [PackedPassage], verifier: Verifier, searches: Int,
                     questionVector: [Float], relevance: Float) throws {
        var left = searches
        var known = Set(sources.map(\.passageID))
        for index in sentences.indices where left > 0 && sentences[index].support != .supported {
            let sentence = sentences[index].text
            guard ContentWords.stems(of: sentence).count >= 3 || !KeyTerms.extract(sentence).all.isEmpty else { continue }
            left -= 1
            let hits = try retrieve(sentence, 3).filter { !known.contains($0.passageID) }
            guard !hits.isEmpty else { continue }
            let next = (sources.map(\.number).max() ?? 0) + 1
            let dimension = embedder.stamp.dimension
            let vectors = try embedder.embed(hits.map(\.text))
            let found = hits.enumerated().map { offset, hit in
                EvidencePassage(number: next + offset, text: hit.text,
                                vector: Array(vectors[offset * dimension..<(offset + 1) * dimension]),
                                context: Self.context(of: hit.source))
            }.filter { Self.dot(questionVector, $0.vector!) >= relevance }
            guard !found.isEmpty else { continue }
            guard let verdict = verifier.verify([AnswerSentence(text: sentence, citations: [])], passages: found).first,
                  verdict.support == .supported, let number = verdict.citations.first else { continue }
            let hit = hits[number - next]
            var passage = found.first { $0.number == number }!
            passage.number = next
            evidence.append(passage)
            sources.append(PackedPassage(number: next, passageID: hit.passageID, source: hit.source, text: hit.text))
            known.insert(hit.passageID)
            sentences[index].citations = [next]
            sentences[index].support = .supported
        }
    }

    /// Up to two sentences quoted from the passages, each cited: the closest to the question, and to the
    /// model's failed `draft` when there is one (it often names the right function but could not be checked).
    func extractive(questionVector: [Float], draft: String, passages: [EvidencePassage]) throws -> [AnswerSentence] {
        var candidates: [(number: Int, text: String)] = []
        for passage in passages {
            for sentence in SentenceSplitter.split(passage.text) where sentence.text.count >= 30 && !sentence.text.hasSuffix(":") {
                candidates.append((passage.number, sentence.text))
            }
        }
        guard !candidates.isEmpty else { return [] }
        let draft = Self.statements(of: draft).map(\.text).joined(separator: " ")
        let vectors = try embedder.embed(candidates.map(\.text) + (draft.isEmpty ? [] : [draft]))
        let dimension = embedder.stamp.dimension
        func vector(_ index: Int) -> [Float] { Array(vectors[index * dimension..<(index + 1) * dimension]) }
        let draftVector = draft.isEmpty ? nil : vector(candidates.count)
        let scored = candidates.indices.map { index in
            let toQuestion = Self.dot(questionVector, vector(index))
            return (index, toQuestion, toQuestion + (draftVector.map { Self.dot($0, vector(index)) } ?? toQuestion))
        }.sorted { $0.2 > $1.2 }
        return scored.prefix(2).filter { $0.1 >= 0.3 }.map { index, _, _ in
            AnswerSentence(text: candidates[index].text, citations: [candidates[index].number], support: .supported)
        }
    }

    /// A passage's title, path and section, for the verifier.
    static func context(of source: Source) -> String { [source.title, source.path ?? "", source.locator].joined(separator: " ") }

    private func abstain(_ base: Answer, reason: String, packed: [PackedPassage], start: UInt64) -> Answer {
        var answer = base
        answer.abstained = true
        answer.abstentionReason = reason
        answer.answer = Answer.notFound
        answer.sentences = []
        answer.citations = []
        answer.nearest = packed.prefix(3).map(Self.citation)
        answer.timingsMS.total = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        return answer
    }

    /// A generous estimate of prompt tokens (BPE vocabularies average 3.5-4 characters a token).
    static func approximateTokens(_ text: String) -> Int { text.utf8.count / 3 + 1 }

    static func citation(_ passage: PackedPassage) -> AnswerCitation {
        AnswerCitation(n: passage.number, passageID: passage.passageID, source: passage.source)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in 0..<min(a.count, b.count) { sum += a[index] * b[index] }
        return sum
    }
}
