import CitedCore
import Foundation

/// A passage given to the model, as the verifier sees it.
public struct EvidencePassage: Sendable {
    /// Its number in the prompt (1-based).
    public var number: Int
    public var text: String
    /// Its unit-length vector, when an embedder is available.
    public var vector: [Float]?
    /// Its page's title, path and section, where a module or a dotted name's qualifier may be the only mention.
    public var context: String
    /// The document it comes from (`Source.id`, e.g. `PMID:34077818`), when known: passages of one document
    /// are one source's sections.
    public var document: String?

    public init(number: Int, text: String, vector: [Float]? = nil, context: String = "", document: String? = nil) {
        self.number = number
        self.text = text
        self.vector = vector
        self.context = context
        self.document = document
    }
}

/// Thresholds of the verifier's meaning test (calibrated on Corpora/eval/answers-dev.jsonl with MiniLM;
/// see Benchmarks/RESULTS.md). The contradiction rules of `Entailment` have no thresholds.
public struct VerificationPolicy: Codable, Equatable, Sendable {
    /// Cosine between sentence and passage at or above which a sentence passes the meaning test.
    public var supportedSimilarity: Float = 0.60
    /// Cosine at or above which it is weakly supported.
    public var weakSimilarity: Float = 0.40
    /// Share of the sentence's content stems found in the passage at or above which it passes.
    public var supportedOverlap: Double = 0.60
    /// Share at or above which it is weakly supported. Also the least share each clause of a compound sentence
    /// ("…, and …", "…; …") must have of the cited passages' stems (`Clauses`): below it, that clause comes from
    /// elsewhere. It separates nothing finely: on the tune answers it turned two wrong checked answers
    /// (`scrypt` for `pbkdf2_hmac`, `sort_stats` for sorting records) into abstentions, and on the verifier
    /// set it rejects three faithful paraphrases (clauses sharing 0.25–0.33) with three perturbed sentences; a
    /// wrong answer shown as checked was judged the worse failure. See Benchmarks/RESULTS.md, twelfth pass.
    public var weakOverlap: Double = 0.35
    /// Cosine below which a sentence is at best weakly supported however many words it shares: the passage's
    /// words rearranged into another statement ("WT had a higher miss rate than gas" from "serrated polyps have a
    /// high miss rate"). Measured on the verifier set, see Benchmarks/RESULTS.md.
    public var minimumSimilarity: Float = 0.30
    /// With a judge (the answer model asked whether the passage states the sentence), a sentence that passed
    /// every other check is rejected when logit(Yes) − logit(No) is below this.
    public var judgeMargin: Float = 0
    /// With a counterfactual scorer, a sentence that passed every other check is rejected when the model
    /// prefers a swapped number, name or comparison word to the sentence's own by more than this many logits.
    /// Set on the tune split of the verifier set with Qwen2.5-Coder-0.5B: verbatim sentences scored −11…1.6,
    /// number and name swaps mostly 1.3…9; at 3 the verifier rejects 0.695 of perturbed sentences (0.627
    /// without the test) and accepts 0.855 of faithful ones (0.887); see Benchmarks/RESULTS.md. Since a preferred
    /// swap is read on (2026-12-07, a log-probability difference over several tokens), tune again: margins 3 and 4
    /// both give 0.952 faithful / 0.898 perturbed, 2 gives 0.919 / 0.898, 1 gives 0.871 / 0.898.
    public var counterfactualMargin: Float = 3.0
    /// The counterfactual test also tries the sides of a comparison: each word before "than" / "versus" against
    /// the first word after it (`Counterfactual.slots(sides:)`). Verifier set, margin 3, Qwen2.5-Coder-0.5B:
    /// perturbed rejected 0.695 → 0.712 (tune), 0.735 → 0.752 (confirm), faithful accepted unchanged.
    public var counterfactualSides = true

    public init() {}

    /// A stored policy read back: fields it lacks keep their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        supportedSimilarity = try c.decodeIfPresent(Float.self, forKey: .supportedSimilarity) ?? supportedSimilarity
        weakSimilarity = try c.decodeIfPresent(Float.self, forKey: .weakSimilarity) ?? weakSimilarity
        supportedOverlap = try c.decodeIfPresent(Double.self, forKey: .supportedOverlap) ?? supportedOverlap
        weakOverlap = try c.decodeIfPresent(Double.self, forKey: .weakOverlap) ?? weakOverlap
        minimumSimilarity = try c.decodeIfPresent(Float.self, forKey: .minimumSimilarity) ?? minimumSimilarity
        judgeMargin = try c.decodeIfPresent(Float.self, forKey: .judgeMargin) ?? judgeMargin
        counterfactualMargin = try c.decodeIfPresent(Float.self, forKey: .counterfactualMargin) ?? counterfactualMargin
        counterfactualSides = try c.decodeIfPresent(Bool.self, forKey: .counterfactualSides) ?? counterfactualSides
    }
}

/// Checks each sentence against the passages it cites, in order: it must state something and cite a given
/// passage; its numbers and identifiers must appear there; it must contradict nothing there (`Entailment`:
/// negation, a reversed direction or comparison, a number of another group, a widened claim, a name the
/// passage lacks); and it must be close to the passage in wording (content overlap) or meaning (embedder
/// cosine). A sentence without a usable citation is attributed to the passage that backs it best, if any.
/// Each sentence carries the trace of these checks.
public struct Verifier {
    public var policy: VerificationPolicy
    /// Embeds one sentence (unit length); nil to judge by wording alone.
    public var embed: ((String) throws -> [Float])?
    /// Whether a word is ordinary vocabulary; a word that is not (a drug, a gene, a function) must appear in
    /// the cited passage. Nil: only capitalised names are held to that.
    public var isCommonWord: ((String) -> Bool)?
    /// Asks a model whether `source` states `claim` (logit(Yes) − logit(No)); nil: no judgment.
    public var judge: ((_ claim: String, _ source: String) throws -> Float)?
    /// Runs the counterfactual test of `claim` at `slots` against `source`; nil: no such test.
    public var counterfactual: ((_ claim: String, _ source: String, _ slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding?)?

    public init(policy: VerificationPolicy = VerificationPolicy(), embed: ((String) throws -> [Float])? = nil,
                isCommonWord: ((String) -> Bool)? = nil,
                judge: ((_ claim: String, _ source: String) throws -> Float)? = nil,
                counterfactual: ((_ claim: String, _ source: String, _ slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding?)? = nil) {
        self.policy = policy
        self.embed = embed
        self.isCommonWord = isCommonWord
        self.judge = judge
        self.counterfactual = counterfactual
    }

    /// Whether some word stands outside code, in backticks or not: "`scrypt(password, *, salt, n, r, p)`." and
    /// "solve(set(x**2 - y, x))" are code, not statements; "Use `scrypt(…)`" is one.
    static func hasProse(_ text: String) -> Bool {
        Excerpt.outsideCode(text).split(whereSeparator: \.isWhitespace).contains { token in
            let word = token.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'"))
            return word.count >= 2 && word.allSatisfy { $0.isLetter || $0 == "-" || $0 == "'" }
        }
    }

    /// The sentences with verdicts and traces, and citations re-attributed where the model left them out
    /// or pointed at a passage that does not back the sentence.
    public func verify(_ sentences: [AnswerSentence], passages: [EvidencePassage]) -> [AnswerSentence] {
        let searchable = passages.map { SearchableText($0.text, context: $0.context) }
        let statesNothing = passages.map { Excerpt.statesNothing($0.text) }
        let notes = passages.map { VersionNotes.notes(in: $0.text) }
        return sentences.map { sentence in
            var result = sentence
            if let rule = InstructionDetector.rule(for: sentence.text) {
                result.support = .unsupported
                result.trace = [VerificationStep(rule: .instruction, passed: false,
                                                 detail: "an instruction to a model (\(rule.rawValue)), not a statement")]
                return result
            }
            let terms = KeyTerms.extract(sentence.text)
            let words = KeyTerms.tokens(sentence.text)
            let ranges = KeyTerms.ranges(sentence.text), negatives = SentenceSplitter.unique(KeyTerms.negatives(sentence.text))
            let stems = Set(ContentWords.stems(of: sentence.text))
            let vector = try? embed?(sentence.text)
            let clauses = Clauses(sentence.text)
            /// The share of the sentence's content stems a passage holds.
            func overlap(_ index: Int) -> Double {
                stems.isEmpty ? 0 : Double(stems.intersection(searchable[index].stems).count) / Double(stems.count)
            }
            func check(_ indices: [Int]) -> (Support, [VerificationStep]) {
                let cited = indices.first.map { passages[$0].number }
                // No citation, or nothing to check (no content word: a stray "[" or "See:"), supports nothing.
                guard !indices.isEmpty else {
                    return (.unsupported, [VerificationStep(rule: .content, passed: false, detail: "cites no given passage")])
                }
                // A bare name, title or signature ("`sympy.integrate`") states nothing: a statement has words.
                guard sentence.text.split(whereSeparator: \.isWhitespace).count >= 4, Self.hasProse(sentence.text),
                      !stems.isEmpty || !terms.numbers.isEmpty || !terms.identifiers.isEmpty else {
                    return (.unsupported, [VerificationStep(rule: .content, passage: cited, passed: false,
                                                            detail: "states nothing checkable")])
                }
                guard !indices.allSatisfy({ statesNothing[$0] }) else {
                    return (.unsupported, [VerificationStep(rule: .content, passage: cited, passed: false,
                                                            detail: "the passage is a bare name or directive: it states nothing")])
                }
                guard !SentenceSplitter.isUnfinished(sentence.text) else {
                    return (.unsupported, [VerificationStep(rule: .content, passage: cited, passed: false,
                                                            detail: "unfinished sentence")])
                }
                let missing = terms.numbers.filter { number in
                    !indices.contains { searchable[$0].contains(number: number) || searchable[$0].backs(number: number, sentence: words) }
                }
                    + terms.identifiers.filter { name in !indices.contains { searchable[$0].contains(identifier: name) } }
                    + ranges.filter { low, high in !indices.contains { searchable[$0].backs(range: low, high) } }
                        .map { "\($0)-\($1)" }
                    + negatives.filter { number in !indices.contains { searchable[$0].contains(negative: number) } }
                        .map { "-\($0) (with its minus sign)" }
                guard missing.isEmpty else {
                    return (.unsupported, [VerificationStep(rule: .keyTerms, passage: cited, passed: false,
                                                            detail: "not in the passage: " + missing.joined(separator: ", "))])
                }
                var steps = [VerificationStep(rule: .keyTerms, passage: cited, passed: true)]
                if let violation = Entailment.violation(of: sentence.text, in: indices.map { passages[$0].text },
                                                        context: indices.map { passages[$0].context }.joined(separator: " "),
                                                        isCommon: isCommonWord) {
                    steps.append(VerificationStep(rule: violation.rule, passage: cited, passed: false, detail: violation.detail))
                    return (.unsupported, steps)
                }
                // A version note of a cited passage that a later note of the same document (for a doc page, of
                // the same API entry) revises.
                let citedNotes = indices.flatMap { notes[$0] }
                let documents = Set(indices.compactMap { passages[$0].document })
                if !citedNotes.isEmpty, let later = VersionNotes.superseding(
                    sentence.text, cited: indices.map { passages[$0].text }, notes: citedNotes,
                    others: passages.indices.filter { other in
                        !indices.contains(other) && passages[other].document.map(documents.contains) == true
                    }.flatMap { notes[$0] }) {
                    steps.append(VerificationStep(rule: .superseded, passage: cited, passed: false,
                                                  detail: "a later note revises this: \"\(later.text.prefix(160))\""))
                    return (.unsupported, steps)
                }
                let overlap = indices.map(overlap).max()!
                let similarity = indices.compactMap { index -> Float? in
                    guard let vector, let other = passages[index].vector else { return nil }
                    return dot(vector, other)
                }.max()
                let measured = String(format: "overlap %.2f", overlap) + (similarity.map { String(format: ", cosine %.2f", $0) } ?? "")
                let support: Support
                if (similarity ?? 1) < policy.minimumSimilarity {
                    support = overlap >= policy.weakOverlap ? .weak : .unsupported
                } else if overlap >= policy.supportedOverlap || (similarity ?? 0) >= policy.supportedSimilarity {
                    support = .supported
                } else if overlap >= policy.weakOverlap || (similarity ?? 0) >= policy.weakSimilarity {
                    support = .weak
                } else {
                    support = .unsupported
                }
                steps.append(VerificationStep(rule: .meaning, passage: cited, passed: support == .supported, detail: measured))
                // A study's background is not its finding: the cited passage closest to the sentence must not be
                // an abstract's background section.
                if support == .supported, let closest = indices.max(by: { a, b in
                       stems.intersection(searchable[a].stems).count < stems.intersection(searchable[b].stems).count }),
                   Entailment.Aim.isBackground(context: passages[closest].context) {
                    // The other cited passages may state it as a finding on their own.
                    let findings = indices.filter { !Entailment.Aim.isBackground(context: passages[$0].context) }
                    if !findings.isEmpty {
                        let (own, ownSteps) = check(findings)
                        if own == .supported { return (own, ownSteps) }
                    }
                    steps.append(VerificationStep(rule: .background, passage: passages[closest].number, passed: false,
                                                  detail: "the passage is the study's background, not its finding"))
                    return (.unsupported, steps)
                }
                // Each clause of a compound sentence must be the cited passages' too, not only the whole.
                if support == .supported, let (clause, share) = clauses.weakest(
                    against: indices.reduce(into: Set<String>()) { $0.formUnion(searchable[$1].stems) }),
                   share < policy.weakOverlap {
                    steps.append(VerificationStep(rule: .meaning, passage: cited, passed: false, detail: String(
                        format: "the clause \"%@\" shares %.2f of its words with the passage", String(clause.prefix(120)), share)))
                    return (.unsupported, steps)
                }
                if support == .supported, let judge = self.judge {
                    let source = Entailment.window(for: sentence.text, in: indices.map { passages[$0].text })
                    guard let margin = try? judge(sentence.text, source) else { return (support, steps) }
                    let passed = margin >= policy.judgeMargin
                    steps.append(VerificationStep(rule: .judge, passage: cited, passed: passed,
                                                  detail: String(format: "the model says %@ (margin %.2f)", passed ? "yes" : "no", margin)))
                    if !passed { return (.unsupported, steps) }
                }
                if support == .supported, let counterfactual, let index = indices.first {
                    let source = passages[index].text
                    let slots = Counterfactual.slots(in: sentence.text, source: source,
                                                     sides: policy.counterfactualSides)
                    if !slots.isEmpty, let finding = try? counterfactual(sentence.text, source, slots) {
                        let passed = finding.margin <= policy.counterfactualMargin
                        steps.append(VerificationStep(rule: .counterfactual, passage: cited, passed: passed, detail: String(
                            format: "%@ \"%@\" over \"%@\" (margin %.2f)", passed ? "keeps" : "prefers",
                            passed ? finding.word : finding.alternative, passed ? finding.alternative : finding.word, finding.margin)))
                        if !passed { return (.unsupported, steps) }
                    }
                }
                return (support, steps)
            }
            let cited = sentence.citations.compactMap { number in passages.firstIndex { $0.number == number } }
            result.citations = cited.map { passages[$0].number }
            var steps: [VerificationStep]
            (result.support, steps) = check(cited)
            if result.support == .supported, !stems.isEmpty,
               let better = wordier(than: cited, passages: passages, overlap: overlap, check: check) {
                result.citations = [passages[better.index].number]
                steps += [VerificationStep(rule: .attribution, passage: passages[better.index].number, passed: true,
                                           detail: "the same source states it in more of its words")] + better.steps
            }
            if result.support != .supported {
                // Attribute to the single passage that supports the sentence best, if it does better. Among
                // equals, a passage whose page or section is named after one of the sentence's code names (the
                // `csv` page for "use the `csv` module") is that name's own documentation; then rank decides.
                let named = KeyTerms.codeNames(sentence.text).flatMap { $0.split(separator: ".").map(String.init) }
                    .filter { $0.count >= 3 }
                let candidates = passages.indices.map { index in
                    (index, check([index]), named.contains { searchable[index].context.contains($0) })
                }
                // What a background section states is not made a finding by another passage that shares its words
                // (the model's own citation of a finding that backs it is checked in `check`).
                if let (index, (_, found), _) = candidates.first(where: { $0.1.1.contains { $0.rule == .background } }),
                   !steps.contains(where: { $0.rule == .background }) {
                    steps += [VerificationStep(rule: .attribution, passage: passages[index].number, passed: false,
                                               detail: "stated by a background section")] + found
                }
                let best = steps.contains { $0.rule == .background } ? nil
                    : candidates.max { ($0.1.0, $0.2 ? 1 : 0) < ($1.1.0, $1.2 ? 1 : 0) }
                if let (index, (support, found), _) = best, support > result.support {
                    result.citations = [passages[index].number]
                    result.support = support
                    steps += [VerificationStep(rule: .attribution, passage: passages[index].number, passed: true,
                                               detail: "backed by this passage instead")] + found
                }
            }
            let contradicted = steps.contains { !$0.passed && Answerer.contradictions.contains($0.rule) }
            if result.support != .supported, !contradicted {
                // A sentence may join two sections of one document (the design from the methods, the effect from
                // the conclusions): both listed, both cited, every check run on the two together. Pairs with a
                // passage the sentence cited come first; then all of a cited document's sections.
                let pairs = passages.indices.flatMap { first in
                    passages.indices.filter { second in
                        second > first && passages[first].document != nil && passages[first].document == passages[second].document
                    }.map { [first, $0] }
                }.sorted { a, b in a.contains(where: cited.contains) && !b.contains(where: cited.contains) }
                // Last, every given section of a cited document together: an abstract's conclusion names the
                // population, its methods the durations, its results the effect.
                let whole = Set(cited.compactMap { passages[$0].document }).sorted().map { document in
                    passages.indices.filter { passages[$0].document == document }
                }.filter { $0.count > 2 }
                for group in pairs + whole {
                    let (support, found) = check(group)
                    guard support == .supported else { continue }
                    result.citations = group.map { passages[$0].number }
                    result.support = support
                    steps += [VerificationStep(rule: .attribution, passage: passages[group[0]].number, passed: true,
                                               detail: "backed by passages \(result.citations.map { "[\($0)]" }.joined()) of one document together")]
                        + found
                    break
                }
            }
            result.trace = steps
            return result
        }
    }

    /// A sentence that passed on its meaning alone (cosine, without sharing `supportedOverlap` of its words)
    /// may cite the wrong section of the right source: a RESULTS passage near the CONCLUSION that states the
    /// sentence. Another passage of the same document that shares more of its words (at least `weakOverlap`)
    /// and passes every check is the one to cite.
    private func wordier(than cited: [Int], passages: [EvidencePassage], overlap: (Int) -> Double,
                         check: ([Int]) -> (Support, [VerificationStep])) -> (index: Int, steps: [VerificationStep])? {
        let citedOverlap = cited.map(overlap).max() ?? 0
        let documents = Set(cited.compactMap { passages[$0].document })
        guard citedOverlap < policy.supportedOverlap, !documents.isEmpty else { return nil }
        let candidates = passages.indices.filter { index in
            !cited.contains(index) && passages[index].document.map(documents.contains) == true
                && overlap(index) >= policy.weakOverlap && overlap(index) > citedOverlap
        }.sorted { overlap($0) > overlap($1) }
        for index in candidates {
            let (support, steps) = check([index])
            if support == .supported { return (index, steps) }
        }
        return nil
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return 0 }
        var sum: Float = 0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
