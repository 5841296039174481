import CitedCore
import Foundation

/// A model that judges a yes/no prompt: logit(Yes) − logit(No) of its first answer token.
public protocol StatementJudge: AnyObject {
    func judge(_ prompt: Prompt) throws -> Float
}

/// A passage found for a question, as the answer pipeline needs it.
public struct RetrievedPassage: Sendable {
    public var passageID: Int64
    /// Its document, when known (to find the document's other sections).
    public var documentID: Int64?
    public var source: Source
    public var text: String
    /// The retrieval score (fused rank score in hybrid mode).
    public var score: Double

    public init(passageID: Int64, documentID: Int64? = nil, source: Source, text: String, score: Double = 0) {
        self.passageID = passageID
        self.documentID = documentID
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

/// A model served by an OpenAI-compatible server: it cannot mask logits token by token, so it is told which
/// passages may be cited (for the server's constrained decoding, where it has one), and markers naming
/// passages not given are removed from its text before checking (`VerificationRule.givenPassages`).
public protocol RemoteAnswerModel: AnswerModel {
    /// Which server answered (for `ask --json` and the audit record).
    var endpoint: AnswerEndpoint { get }
    /// - Parameters:
    ///   - allowedCitations: the passage numbers markers may name.
    ///   - mayDecline: whether the answer may open with the "not in sources" sentinel (with a logit margin
    ///     policy, `AnswerPolicy.declineMargin`, the local engine bars it unless the model is sure; a server
    ///     returns no logits, so where it constrains decoding the opening is barred outright).
    func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String], allowedCitations: Set<Int>,
                  mayDecline: Bool, onText: (String) -> Void) throws -> String
}

extension RemoteAnswerModel {
    public var tokenTexts: [String] { [] }

    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String],
                         constrain: ((UnsafeMutableBufferPointer<Float>, [Int32]) -> Void)?,
                         onText: (String) -> Void) throws -> String {
        try generate(prompt, maxTokens: maxTokens, seed: seed, stop: stop, allowedCitations: [], mayDecline: true,
                     onText: onText)
    }
}

/// The answer pipeline, as named stages: retrieve → gate → prompt → generate → verify → corroborate →
/// finish (or abstain). Every threshold comes from `AskParameters.policy`; every sentence leaves with the
/// trace of the checks it went through.
public final class Answerer {
    /// The model for a domain, loaded on first use (after the sources are on screen).
    public let model: (Domain) throws -> AnswerModel
    public let embedder: Embedder
    public let builder: PromptBuilder
    public let retrieve: (_ question: String, _ k: Int) throws -> [RetrievedPassage]
    /// The model asked whether a passage states a sentence (nil: no judgment).
    public var judge: StatementJudge?
    /// The model that runs the counterfactual test when it is not the answer model
    /// (`AnswerPolicy.counterfactualModel`); nil: the answer model.
    public var counterfactualScorer: CounterfactualScorer?
    /// The scorer of a local answer model's sentences when `counterfactualScorer` is nil, given the answer model
    /// (`AnswerConfiguration.counterfactualModel`, loaded on first use); it returns nil for the answer model to
    /// score its own. Never asked for an endpoint's answer, which has no counterfactual test.
    public var localCounterfactualScorer: ((AnswerModel) throws -> CounterfactualScorer?)?
    /// The passages of a document in order (nil: sections are not added; see `AnswerPolicy.resultsSection`).
    public var documentPassages: ((Int64) throws -> [RetrievedPassage])?
    /// Finds question words missing from the index (nil: not checked).
    public var absentTerms: AbsentTerms?
    /// Tells ordinary words from names (drugs, genes, functions): for the verifier and the covered-terms
    /// gate. Nil: only capitalised names and code identifiers are treated as names.
    public var vocabulary: TermVocabulary?
    /// The prompts of the last answer, in order: the first try's, then the second's when there was one.
    public private(set) var lastPrompts: [Prompt] = []
    /// The prompt the last answer came from (for the audit record).
    public var lastPrompt: Prompt? { lastPrompts.last }
    /// What the last question retrieved (for the audit record).
    public private(set) var lastRetrieved: [RetrievedPassage] = []

    public init(model: @escaping (Domain) throws -> AnswerModel, embedder: Embedder, builder: PromptBuilder,
                retrieve: @escaping (_ question: String, _ k: Int) throws -> [RetrievedPassage]) {
        self.model = model
        self.embedder = embedder
        self.builder = builder
        self.retrieve = retrieve
    }

    /// What one answer carries from stage to stage.
    struct Run {
        let question: String
        let parameters: AskParameters
        var policy: AnswerPolicy { parameters.policy }
        let start = DispatchTime.now().uptimeNanoseconds
        var answer: Answer
        /// Retrieved passages in rank order, numbered 1…
        var ranked: [PackedPassage] = []
        /// Listed as sources (the first ones are given to the model).
        var shown: [PackedPassage] = []
        /// Given to the model.
        var packed: [PackedPassage] = []
        var questionVector: [Float] = []
        /// Passages given to the model whatever their similarity to the question (the results section).
        var keep: Set<Int64> = []
        /// The listed passages as the verifier sees them (grows with corroboration).
        var evidence: [EvidencePassage] = []

        var elapsedMS: Int { Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }
    }

    /// Answers `question`. `onSources` gets the listed passages as soon as they are known, `onText` the
    /// streamed model text.
    public func answer(_ question: String, parameters: AskParameters,
                       onSources: ([PackedPassage]) -> Void = { _ in },
                       onText: (String) -> Void = { _ in }) throws -> Answer {
        lastPrompts = []
        var run = Run(question: question, parameters: parameters, answer: Answer(
            question: question, answer: "", abstained: false, abstentionReason: nil, domain: .clinical, sentences: [],
            citations: [], nearest: [], method: .generated, model: "", embedder: embedder.stamp.name, notice: nil,
            timingsMS: AnswerTimings(), auditID: nil))
        try retrieveStage(&run)
        onSources(run.shown)
        try embedStage(&run)
        if let reason = try gate(&run) { return abstain(run, reason: reason) }
        let model = try self.model(run.answer.domain)
        run.answer.model = model.name
        run.answer.endpoint = (model as? RemoteAnswerModel)?.endpoint
        run.answer.timingsMS.modelReady = run.elapsedMS
        let prompt = try promptStage(run)
        let first = try attempt(run, model: model, prompt: prompt, onText: onText)
        // Not after an unresponsive answer: on the tune split its second tries were unresponsive or wrong again.
        guard first.abstentionReason == .unsupported, run.policy.retryWithoutExample else { return first }
        // Retry: the same passages (excerpts made once), not streamed (the first try's text is on screen
        // already; the checked answer follows).
        let plain = builder.build(question: run.question, domain: run.answer.domain, passages: prompt.passages,
                                  example: false)
        guard plain.sha256 != prompt.sha256 else { return first }
        lastPrompts.append(plain)
        var second = try attempt(run, model: model, prompt: plain, onText: { _ in })
        second.method = .regenerated
        second.draft = first.draft + second.draft
        // What the reader saw first, and how sure the model was at the first try's opening.
        second.timingsMS.firstToken = first.timingsMS.firstToken
        second.declineMargin = first.declineMargin
        return second
    }

    /// One try: generate from `prompt`, verify, corroborate, and finish (or abstain).
    func attempt(_ run: Run, model: AnswerModel, prompt: Prompt, onText: (String) -> Void) throws -> Answer {
        var run = run
        let text = try generate(&run, model: model, prompt: prompt, onText: onText)
        run.answer.timingsMS.generated = run.elapsedMS
        if text.uppercased().contains(PromptLibrary.sentinel) { return abstain(run, reason: .sentinel) }
        let verifier = makeVerifier(policy: run.policy.verification, scorer: try scorer(for: model, policy: run.policy))
        let (statements, removed) = Self.keepGivenCitations(Self.statements(of: text), given: Set(run.packed.map(\.number)))
        var sentences = verifier.verify(statements, passages: run.evidence)
        for (index, numbers) in removed {
            sentences[index].trace = numbers.map { number in
                VerificationStep(rule: .givenPassages, passage: number, passed: false,
                                 detail: "marker [\(number)] names a passage the model was not given; removed before checking")
            } + (sentences[index].trace ?? [])
        }
        run.answer.timingsMS.verified = run.elapsedMS
        var sources = run.shown
        try corroborate(&sentences, evidence: &run.evidence, sources: &sources, verifier: verifier,
                        searches: run.policy.corroborationSearches, questionVector: run.questionVector,
                        relevance: run.policy.corroborationRelevance)
        return finish(run, sentences: sentences, sources: sources)
    }

    /// Who runs the counterfactual test on `model`'s sentences: the policy's scorer, else (for a local model)
    /// the configured one, else the model itself; nil with the test off or for an endpoint's answer.
    func scorer(for model: AnswerModel, policy: AnswerPolicy) throws -> CounterfactualScorer? {
        guard policy.counterfactual else { return nil }
        if let counterfactualScorer { return counterfactualScorer }
        guard let own = model as? CounterfactualScorer else { return nil }
        return try localCounterfactualScorer?(model) ?? own
    }

    // MARK: Stages

    /// Retrieve, route the domain, and number the sources as the answer will cite them: the best
    /// `maxPassages` (for the prompt), then the next best up to `listedPassages`.
    func retrieveStage(_ run: inout Run) throws {
        // A passage that states nothing (an API stub, a bare registry number) can back no sentence: it would
        // only take a place in the prompt. A few more are asked for so that k remain (at the default k the
        // retriever's candidate pool, and so the fused ranking, is the same: 50 from each list).
        var hits = Array(try retrieve(run.question, run.parameters.k + Self.stubAllowance)
            .filter { !Excerpt.statesNothing($0.text) }.prefix(run.parameters.k))
        if run.policy.resultsSection {
            let added: Int64?
            (hits, added) = try withResultsSection(hits, given: run.policy.maxPassages)
            if let added { run.keep.insert(added) }
        }
        var given = run.policy.maxPassages
        if run.policy.entryHead {
            let heads: Int
            (hits, heads) = try withEntryHeads(hits, given: given)
            given += heads
        }
        if run.policy.laterNotes {
            let added: Int64?
            (hits, added) = try withLaterNotes(hits, given: given)
            if let added { run.keep.insert(added) }
        }
        hits = UntrustedPassages.screen(hits)
        lastRetrieved = hits
        let domain = run.parameters.domain ?? DomainRouter.route(question: run.question, topKinds: hits.map(\.source.kind))
        run.answer.domain = domain
        run.answer.notice = domain == .clinical ? Answer.clinicalNotice : nil
        run.ranked = hits.enumerated().map { index, hit in
            PackedPassage(number: index + 1, passageID: hit.passageID, source: hit.source, text: hit.text)
        }
        let packed = ContextPacker.pack(Array(run.ranked.prefix(given)), budget: run.policy.contextBudget,
                                        tokenCount: Self.approximateTokens)
        run.shown = packed + run.ranked.dropFirst(given)
            .prefix(max(run.policy.listedPassages - packed.count, 0))
            .enumerated().map { offset, passage in
                var numbered = passage
                numbered.number = packed.count + offset + 1
                return numbered
            }
        run.packed = packed
        run.answer.timingsMS.retrieve = run.elapsedMS
    }

    /// How many more passages are retrieved than listed, to make up for those that state nothing.
    static let stubAllowance = 4

    /// A clinical question asks for a result, and the abstract section that states it (the one with the
    /// most numbers) is often not the one closest to the question's words: for a PubMed or PMC top hit, that
    /// section is given to the model right after it, moved up when it ranked below the passages given
    /// (`given`), added when it was not retrieved at all (the last hit makes room).
    func withResultsSection(_ hits: [RetrievedPassage], given: Int) throws -> ([RetrievedPassage], added: Int64?) {
        guard let top = hits.first, top.source.kind == .pubmed || top.source.kind == .pmc,
              let document = top.documentID, let documentPassages else { return (hits, nil) }
        func numbers(_ text: String) -> Int { KeyTerms.extract(text).numbers.count }
        guard let results = try documentPassages(document).filter({ $0.passageID != top.passageID })
            .max(by: { numbers($0.text) < numbers($1.text) }), numbers(results.text) >= 2 else { return (hits, nil) }
        var expanded = hits
        if let rank = hits.firstIndex(where: { $0.passageID == results.passageID }) {
            if rank < given { return (hits, results.passageID) }
            expanded.remove(at: rank)
            expanded.insert(results, at: 1)
            return (expanded, results.passageID)
        }
        expanded.insert(results, at: 1)
        return (Array(expanded.prefix(max(hits.count, 2))), results.passageID)
    }

    /// A given doc passage with a version note ("Changed in version 3.5: … multiplied by 5") that a later note
    /// of the same entry revises ("Changed in version 3.8: Default value … is changed to …") brings the passage
    /// with that later note in right after it (the last given hit moves down to the listed ones): what the
    /// docs say now is then before the model, and the verifier can see that the earlier note is history.
    func withLaterNotes(_ hits: [RetrievedPassage], given: Int) throws -> ([RetrievedPassage], added: Int64?) {
        guard let documentPassages else { return (hits, nil) }
        let givenIDs = Set(hits.prefix(given).map(\.passageID))
        for (rank, hit) in hits.prefix(given).enumerated() where hit.source.kind == .doc {
            let notes = VersionNotes.notes(in: hit.text)
            guard !notes.isEmpty, let document = hit.documentID,
                  let later = try documentPassages(document).first(where: { other in
                      other.source.id == hit.source.id && !givenIDs.contains(other.passageID)
                          && VersionNotes.notes(in: other.text).contains { note in notes.contains(where: note.supersedes) }
                  }) else { continue }
            var expanded = hits.filter { $0.passageID != later.passageID }
            expanded.insert(later, at: rank + 1)
            return (Array(expanded.prefix(hits.count)), later.passageID)
        }
        return (hits, nil)
    }

    /// An API entry of a code page can span passages, and a hit inside it (its example, a note) lacks the
    /// signature and description, which hold the parameters and defaults. Each given hit that continues an entry
    /// whose opening passage was not given brings that passage in right before it, as one more given passage
    /// (nothing is pushed out of the prompt; the relevance cut later drops a head far from the question).
    /// Returns the hits and how many heads joined the given ones.
    func withEntryHeads(_ hits: [RetrievedPassage], given: Int) throws -> ([RetrievedPassage], heads: Int) {
        guard let documentPassages else { return (hits, 0) }
        var expanded = Array(hits.prefix(given))
        var rest = Array(hits.dropFirst(given))
        var heads = 0
        for hit in hits.prefix(given) where hit.source.kind == .doc && heads < Self.maxEntryHeads {
            let label = Self.section(of: hit.source)
            guard let document = hit.documentID, !label.isEmpty,
                  let head = try documentPassages(document).first(where: { $0.source.id == hit.source.id }),
                  head.passageID != hit.passageID, !expanded.contains(where: { $0.passageID == head.passageID }),
                  let firstLine = head.text.split(separator: "\n", maxSplits: 1).first,
                  Excerpt.isSignature(String(firstLine), label: label),
                  let rank = expanded.firstIndex(where: { $0.passageID == hit.passageID }) else { continue }
            expanded.insert(head, at: rank)
            rest.removeAll { $0.passageID == head.passageID }
            heads += 1
        }
        return (expanded + rest, heads)
    }

    /// At most this many entry heads join the given passages (each costs prefill time).
    static let maxEntryHeads = 2

    /// Embed the question and every candidate once: for the evidence, the relevance cut and the verifier.
    /// Only shown passages close to the best candidate stay in the prompt: distractors cost prefill time and
    /// lure small models. They keep their numbers, so [n] always means the n-th source shown.
    func embedStage(_ run: inout Run) throws {
        let dimension = embedder.stamp.dimension
        let vectors = try embedder.embed([run.question] + run.ranked.map(\.text))
        func vector(_ row: Int) -> [Float] { Array(vectors[row * dimension..<(row + 1) * dimension]) }
        run.questionVector = vector(0)
        let similarities = run.ranked.indices.map { Self.dot(run.questionVector, vector($0 + 1)) }
        let strongest = similarities.max() ?? 0
        run.answer.evidence = strongest
        func rank(_ passage: PackedPassage) -> Int { run.ranked.firstIndex { $0.passageID == passage.passageID }! }
        run.packed = run.packed.filter { passage in
            run.keep.contains(passage.passageID) || similarities[rank(passage)] >= max(strongest - run.policy.relevanceMargin, 0)
        }
        run.evidence = run.shown.map { passage in
            EvidencePassage(number: passage.number, text: passage.text, vector: vector(rank(passage) + 1),
                            context: Self.context(of: passage.source), document: passage.source.id)
        }
    }

    /// Whether to answer at all: enough evidence, every question word known to the index (at middling
    /// evidence), and every uncommon question term present in a listed passage.
    func gate(_ run: inout Run) throws -> AbstentionReason? {
        guard !run.packed.isEmpty, run.answer.evidence >= run.policy.minimumEvidence else { return .weakEvidence }
        if run.answer.evidence < run.policy.groundedEvidence, let absentTerms {
            run.answer.absentTerms = try absentTerms.find(in: run.question)
            if !run.answer.absentTerms.isEmpty { return .absentTerms }
        }
        if run.policy.requireCoveredTerms {
            var uncovered = QuestionTerms.uncovered(in: run.question, passages: run.evidence, vocabulary: vocabulary)
            if !uncovered.isEmpty {
                uncovered = QuestionTerms.uncovered(in: run.question, passages: run.evidence + (try listedDocuments(run)),
                                                    vocabulary: vocabulary)
            }
            if !uncovered.isEmpty {
                run.answer.absentTerms = uncovered
                return .uncoveredTerms
            }
        }
        return nil
    }

    /// The other passages of the documents the listed passages come from (at most `maxPassages` documents),
    /// for the covered-terms gate: a question's term that only the document's other sections mention ("the
    /// trial of isosorbide with misoprostol") is still a term of the source the answer will cite.
    func listedDocuments(_ run: Run) throws -> [EvidencePassage] {
        guard let documentPassages else { return [] }
        let listed = Set(run.shown.map(\.passageID))
        var documents: [Int64] = []
        for hit in lastRetrieved where listed.contains(hit.passageID) {
            if let document = hit.documentID, !documents.contains(document) { documents.append(document) }
        }
        return try documents.prefix(run.policy.maxPassages).flatMap { try documentPassages($0) }
            .filter { !listed.contains($0.passageID) }
            .map { EvidencePassage(number: 0, text: $0.text, context: Self.context(of: $0.source)) }
    }

    /// The prompt: the passages given to the model (excerpts of the long ones) and the question.
    func promptStage(_ run: Run) throws -> Prompt {
        var passages = run.packed
        if let budget = run.policy.excerptBudget {
            let results = run.policy.resultsExcerptBudget
            passages = try excerpts(of: passages, questionVector: run.questionVector) { passage in
                run.keep.contains(passage.passageID) ? results : budget
            }
        }
        let prompt = builder.build(question: run.question, domain: run.answer.domain, passages: passages,
                                   exampleAsTurn: run.policy.exampleAsTurn.contains(run.answer.domain))
        lastPrompts.append(prompt)
        return prompt
    }

    /// Citation numbers that name no passage given to the model are dropped from each sentence (a model behind
    /// an endpoint without constrained decoding may write them); returns the sentences and, by sentence index,
    /// the numbers removed.
    static func keepGivenCitations(_ sentences: [AnswerSentence], given: Set<Int>) -> ([AnswerSentence], [Int: [Int]]) {
        var removed: [Int: [Int]] = [:]
        let kept = sentences.enumerated().map { index, sentence in
            var sentence = sentence
            let foreign = sentence.citations.filter { !given.contains($0) }
            if !foreign.isEmpty {
                removed[index] = foreign
                sentence.citations.removeAll { !given.contains($0) }
            }
            return sentence
        }
        return (kept, removed)
    }

    /// The model's answer under the citation constraint: markers can only name passages it was given.
    func generate(_ run: inout Run, model: AnswerModel, prompt: Prompt, onText: (String) -> Void) throws -> String {
        if let remote = model as? RemoteAnswerModel {
            var firstToken = 0
            let start = run.start
            let text = try remote.generate(prompt, maxTokens: run.parameters.maxTokens, seed: run.parameters.seed,
                                           stop: Self.stopStrings, allowedCitations: Set(run.packed.map(\.number)),
                                           mayDecline: run.policy.declineMargin == nil) { piece in
                if firstToken == 0 { firstToken = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }
                onText(piece)
            }
            run.answer.timingsMS.firstToken = firstToken
            return text
        }
        let constraint = CitationConstraint(tokenTexts: model.tokenTexts, allowed: Set(run.packed.map(\.number)),
                                            declineMargin: run.policy.declineMargin)
        var firstToken = 0
        let start = run.start
        let text = try model.generate(prompt, maxTokens: run.parameters.maxTokens, seed: run.parameters.seed,
                                      stop: Self.stopStrings, constrain: constraint.apply) { piece in
            if firstToken == 0 { firstToken = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }
            onText(piece)
        }
        run.answer.timingsMS.firstToken = firstToken
        run.answer.declineMargin = constraint.observedDeclineMargin
        return text
    }

    /// The verifier with the answer's embedder (each sentence embedded once, however often it is checked),
    /// vocabulary, judge, and counterfactual scorer (the answer model, or `AnswerPolicy.counterfactualModel`).
    func makeVerifier(policy: VerificationPolicy, scorer: CounterfactualScorer? = nil) -> Verifier {
        var sentenceVectors: [String: [Float]] = [:]
        return Verifier(policy: policy, embed: { [embedder] sentence in
            if let vector = sentenceVectors[sentence] { return vector }
            let vector = try embedder.embed([sentence])
            sentenceVectors[sentence] = vector
            return vector
        }, isCommonWord: vocabulary.map { vocabulary in { vocabulary.isCommon($0) } },
           judge: judge.map { judge in { [builder] claim, source in
               guard let prompt = builder.library.judgePrompt(claim: claim, source: source) else { return .infinity }
               return try judge.judge(prompt)
           } }, counterfactual: scorer.map { scorer in { claim, source, slots in
               try scorer.counterfactual(claim: claim, source: source, slots: slots)
           } })
    }

    /// The checked answer: sentences that failed the checks are left out (kept in `draft` with their
    /// traces); with none left, abstention.
    /// The quotes come from the passages the kept sentences cite (`AnswerPolicy.quotes`).
    func finish(_ run: Run, sentences: [AnswerSentence], sources: [PackedPassage]) -> Answer {
        var run = run
        var kept: [AnswerSentence] = []
        for sentence in sentences {
            switch sentence.support {
            case .supported: break
            case .weak: if run.parameters.strict { continue }
            case .unsupported: if run.policy.dropUnsupported { continue }
            }
            // A small model sometimes writes the same sentence twice; the answer says it once.
            if kept.contains(where: { $0.text.lowercased() == sentence.text.lowercased() }) { continue }
            kept.append(sentence)
        }
        // Kept whenever the answer is not the model's whole text, abstention included (an answer of weakly
        // supported sentences alone keeps them all, yet abstains: its trace must still show why).
        let abstains = !kept.contains { $0.support == .supported }
        if kept.count < sentences.count || abstains { run.answer.draft = sentences }
        if abstains { return abstain(run, reason: .unsupported) }
        // A checked sentence that repeats what the question states ("my messages print nothing"), or gives a
        // study's aim ("… to determine if there was any impact on …"), answers nothing.
        if !kept.contains(where: { $0.support == .supported && !Premise.echoes($0.text, question: run.question)
                && !Entailment.Aim.states($0.text) }) {
            run.answer.draft = sentences
            return abstain(run, reason: .unresponsive)
        }
        // A clinical answer states a finding, not only what a study asked and how it went about it.
        if run.policy.requireFinding, run.answer.domain == .clinical, !kept.contains(where: { sentence in
            sentence.support == .supported && !Entailment.Aim.setsUp(sentence.text) && sentence.citations.contains { number in
                run.evidence.first { $0.number == number }.map { !Entailment.Aim.isSetup(context: $0.context) } ?? false
            }
        }) {
            run.answer.draft = sentences
            return abstain(run, reason: .unresponsive)
        }
        if run.policy.requireNamedSubject,
           let unnamed = QuestionTerms.unnamed(in: run.question, answer: kept, vocabulary: vocabulary) {
            run.answer.draft = sentences
            run.answer.absentTerms = unnamed
            return abstain(run, reason: .offSubject)
        }
        // Together the sentences must answer this question, not another one their passages also back.
        if let vector = try? embedder.embed([kept.map(\.text).joined(separator: " ")]), !run.questionVector.isEmpty {
            let relevance = Self.dot(run.questionVector, vector)
            run.answer.answerRelevance = relevance
            if relevance < run.policy.answerRelevance[run.answer.domain] {
                run.answer.draft = sentences
                return abstain(run, reason: .unresponsive)
            }
        }
        var answer = run.answer
        answer.sentences = kept
        answer.quotes = EvidenceQuotes.select(for: kept, question: run.question, passages: run.evidence,
                                              domain: answer.domain, limit: run.policy.quotes)
        answer.answer = Answer.text(of: kept, quotes: answer.quotes)
        let used = Set(kept.flatMap(\.citations) + answer.quotes.map(\.n))
        answer.citations = sources.filter { used.contains($0.number) }.map(Self.citation)
        answer.timingsMS.total = run.elapsedMS
        return answer
    }

    /// "Not found in the indexed sources.", with the nearest passages as related reading (not an answer).
    func abstain(_ run: Run, reason: AbstentionReason) -> Answer {
        var answer = run.answer
        answer.abstained = true
        answer.abstentionReason = reason
        answer.answer = Answer.notFound
        answer.sentences = []
        answer.citations = []
        answer.nearest = run.shown.prefix(3).map(Self.citation)
        answer.timingsMS.total = run.elapsedMS
        return answer
    }

    /// The passages with each text over its `budget` (nil: none) cut to its units closest to the question
    /// (one embedder call).
    func excerpts(of passages: [PackedPassage], questionVector: [Float], budget: (PackedPassage) -> Int?) throws -> [PackedPassage] {
        let budgets = passages.map(budget)
        let units = zip(passages, budgets).map { passage, budget in
            budget.map { Self.approximateTokens(passage.text) > $0 } == true ? Excerpt.units(of: passage.text) : []
        }
        let flat = units.flatMap { $0 }
        guard !flat.isEmpty else { return passages }
        let vectors = try embedder.embed(flat)
        let dimension = embedder.stamp.dimension
        var offset = 0
        return passages.indices.map { index in
            let (passage, parts) = (passages[index], units[index])
            guard !parts.isEmpty, let budget = budgets[index] else { return passage }
            let similarity = parts.indices.map { index in
                Self.dot(questionVector, Array(vectors[(offset + index) * dimension..<(offset + index + 1) * dimension]))
            }
            offset += parts.count
            var shortened = passage
            let keep: Set<Int> = passage.source.kind == .doc
                && Excerpt.isSignature(parts[0], label: Self.section(of: passage.source)) ? [0] : []
            shortened.text = Excerpt.select(parts, similarity: similarity, budget: budget, keep: keep,
                                            tokenCount: Self.approximateTokens)
            return shortened
        }
    }

    /// Where generation stops: an answer is sentences; a code block after them would be the model's own
    /// example, which no source states (the sources' examples are one `cited show` away).
    static let stopStrings = ["```"]

    /// The sentences of a generated answer that state something: a sentence ending in ":" only announces
    /// what follows (the code block generation stopped at, a list); talk about the answer itself ("The answer
    /// states that …") is left out of the sentence.
    /// An excerpt copied across its elision mark (" … ", `Excerpt.select`) joins sentences the source keeps
    /// apart (a background, a method): each is a statement of its own, checked alone, with the citations the
    /// model gave the whole.
    static func statements(of text: String) -> [AnswerSentence] {
        SentenceSplitter.split(SentenceSplitter.withoutListMarkup(text)).filter { !$0.text.hasSuffix(":") }
            .flatMap { sentence in
                sentence.text.components(separatedBy: " … ").map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["…"])) }
                    .filter { !$0.isEmpty }.map { AnswerSentence(text: $0, citations: sentence.citations) }
            }
            .map { sentence in
                var finished = sentence
                finished.text = SentenceSplitter.withoutPreamble(SentenceSplitter.finishedPart(of: sentence.text))
                return finished
            }
    }

    /// Sentences the given passages do not back are searched for in the whole index, the sentence itself
    /// the query (at most `searches` of them). A passage found that supports one joins the sources under
    /// the next free number and is cited; the verdict is the verifier's, as for any other citation.
    /// Only passages at least `relevance` close to the question are considered: a sentence can match a
    /// passage about something else. `sources` are the passages listed so far (their numbers are taken),
    /// `evidence` the same as the verifier sees them.
    func corroborate(_ sentences: inout [AnswerSentence], evidence: inout [EvidencePassage],
                     sources: inout [PackedPassage], verifier: Verifier, searches: Int,
                     questionVector: [Float], relevance: Float) throws {
        var left = searches
        var known = Set(sources.map(\.passageID))
        for index in sentences.indices where left > 0 && sentences[index].support != .supported {
            let sentence = sentences[index].text
            guard ContentWords.stems(of: sentence).count >= 3 || !KeyTerms.extract(sentence).all.isEmpty else { continue }
            // A sentence that contradicts a listed passage is wrong, not merely unbacked.
            if sentences[index].trace?.contains(where: { !$0.passed && Self.contradictions.contains($0.rule) }) == true { continue }
            left -= 1
            let hits = UntrustedPassages.screen(try retrieve(sentence, 3)
                .filter { !known.contains($0.passageID) && !Excerpt.statesNothing($0.text) })
            guard !hits.isEmpty else { continue }
            let next = (sources.map(\.number).max() ?? 0) + 1
            let dimension = embedder.stamp.dimension
            let vectors = try embedder.embed(hits.map(\.text))
            let found = hits.enumerated().map { offset, hit in
                EvidencePassage(number: next + offset, text: hit.text,
                                vector: Array(vectors[offset * dimension..<(offset + 1) * dimension]),
                                context: Self.context(of: hit.source), document: hit.source.id)
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
            sentences[index].trace = (sentences[index].trace ?? []) + [VerificationStep(
                rule: .corroboration, passage: next, passed: true, detail: "found by searching the index for the sentence")]
                + (verdict.trace ?? []).map { step in
                    var renumbered = step
                    if renumbered.passage != nil { renumbered.passage = next }
                    return renumbered
                }
        }
    }

    /// Rules whose failure means the sentence is wrong, not merely unbacked (it contradicts a listed passage, or
    /// it is an instruction): it is not searched for elsewhere.
    static let contradictions: Set<VerificationRule> = [.negation, .numberBinding, .direction, .comparison, .generalisation,
                                                        .instruction, .superseded, .background]

    /// A passage's title, path and section, for the verifier.
    /// The section or API entry a source's id names after "#" (`lru_cache` in `library/functools.rst.txt#lru_cache`).
    static func section(of source: Source) -> String {
        source.id.split(separator: "#", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }

    static func context(of source: Source) -> String { [source.title, source.path ?? "", source.locator].joined(separator: " ") }

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
