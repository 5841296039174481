import CitedCore
import Foundation

/// Every threshold and size of the answer pipeline, in one value: what each gates and how it was set.
/// Cosines are MiniLM's (all-MiniLM-L6-v2); another embedder needs them measured again. The audit record
/// stores the policy an answer was made with, so a replay shows what changed.
public struct AnswerPolicy: Codable, Equatable, Sendable {
    // MARK: Retrieve and list

    /// Passages listed as sources: those given to the model, then the next best. Sentences are checked
    /// against all of them, so the answer may cite one the model did not read (at no prefill cost).
    public var listedPassages = 5
    /// At most this many passages go into the prompt (each costs prefill time).
    public var maxPassages = 3
    /// Passages less similar to the question than the best one by more than this are not given to the model.
    public var relevanceMargin: Float = 0.15
    /// For a PubMed or PMC top hit, its section with the most numbers (the results) is given to the model
    /// too: a clinical answer must carry the figures, which the background or conclusion lack.
    public var resultsSection = true
    /// For a code page's hit inside an API entry (an example, a note), the entry's opening passage, which holds
    /// its signature with the defaults and the description, is given to the model right before it, as one more
    /// passage (`Answerer.withEntryHeads`). Off: on the facts sets (2026-12-07, RESULTS.md "Twentieth pass") it
    /// changed no answer's metrics on either split and cost prefill time (tune python-01 got the head and a right
    /// answer, which the answer-relevance cut then withheld). A first version that pushed the last given passage
    /// out (2026-12-06) broke one tune answer for one confirm answer.
    public var entryHead = false
    /// For a given doc passage with a version note that a later note of the same API entry revises, the
    /// passage with the later note is given to the model right after it (`VersionNotes`): an answer from
    /// "Changed in version 3.5: … defaults to … multiplied by 5" alone states what 3.8 changed.
    public var laterNotes = true
    /// Token budget for the whole passages chosen for the prompt (before excerpts cut the long ones to
    /// `excerptBudget`): high enough that a long results section is not left out.
    public var contextBudget = 4000
    /// Passages longer than this (estimated tokens) reach the prompt as an excerpt of their units closest
    /// to the question; nil gives whole passages. Raised from 64 so that results sentences (the numbers a
    /// clinical answer must carry) survive the cut.
    public var excerptBudget: Int? = 160
    /// The excerpt budget of the results section added for a clinical top hit (`resultsSection`): a results
    /// paragraph is mostly the numbers the answer must carry, and cut to `excerptBudget` it lost the primary
    /// outcome's figures on the tune split; nil gives it whole.
    public var resultsExcerptBudget: Int? = 320

    // MARK: Gate (before generation)

    /// Below this question–passage cosine the evidence is too weak to answer (`weak-evidence`). On the first
    /// dev set the best passage of answerable questions scored 0.45–0.92, of unanswerable ones 0.35–0.59.
    public var minimumEvidence: Float = 0.52
    /// Below this cosine, a question word the index never mentions means abstention (`absent-terms`).
    public var groundedEvidence: Float = 0.65
    /// A question's uncommon term (a drug, gene, function, not ordinary vocabulary and rare in the index)
    /// that neither a listed passage nor the rest of its document contains means abstention
    /// (`uncovered-terms`): the passages are about something else, however close their embeddings.
    public var requireCoveredTerms = true
    /// A word is rare in the index when fewer than this share of its passages contain it (for the rule above
    /// and for the verifier's names): "sympy" or "patients" are the corpus's own vocabulary, not names.
    public var rareTermShare: Double = 0.002

    // MARK: Generate

    /// The model may answer "NOT IN SOURCES" (`sentinel`) whatever the retrieval evidence (similarity does
    /// not tell "about the same topic" from "answers the question"), but only when it is sure: the logit of
    /// the sentinel's first token must beat every other first token by this margin. Nil lets it decline
    /// freely; the 0.5B model then declines most answerable questions (19 of 28 on the tune split of
    /// Corpora/eval/answers-facts-tune.jsonl). Measured there with declining masked: answerable questions'
    /// first-token margins ran from -2.1 to 3.8, and no unanswerable question that reached generation
    /// scored above 0.6, so the margin separates nothing at this model size; 4 keeps only a decline
    /// surer than any seen on an answerable question.
    public var declineMargin: Float? = 4.0
    /// When no sentence of the answer passes the checks, the model answers once more from the prompt without
    /// its worked example (`{{example}}` in Prompts/): the 0.5B model often fills the example's own sentence
    /// ("Relapse was lower with drug Q than with placebo: 20% versus 41%") with the question's words, which
    /// no source backs. Without the example it carries fewer figures (tune facts 0.345 vs 0.393), so the
    /// example stays first. Measured on Corpora/eval/answers-facts-*.jsonl (2026-12-05, see RESULTS.md).
    public var retryWithoutExample = true
    /// The domains whose worked example is given as an earlier exchange of the chat (the template filled with
    /// the example's record and question, answered with its answer) rather than inside the prompt, further from
    /// the records. Decided per domain on the tune split of Corpora/eval/answers-facts-*.jsonl (2026-12-07,
    /// RESULTS.md "Eighteenth pass"): clinical cited_gold 0.429 → 0.500, facts 0.262 → 0.333, fewer answers
    /// copying the example's "20% versus 41%"; code facts 0.333 → 0.238 and math 0.571 → 0.214, so they keep
    /// the example inside.
    public var exampleAsTurn: [Domain] = [.clinical]

    // MARK: Verify and corroborate

    /// The meaning test's thresholds.
    public var verification = VerificationPolicy()
    /// A model (name or GGUF path) asked, for every sentence that passed the other checks, whether its
    /// passage states it (`Prompts/judge.md`); nil: off. See `VerificationPolicy.judgeMargin`.
    public var judge: String?
    /// Run the counterfactual test (`Counterfactual`, `VerificationPolicy.counterfactualMargin`) with the answer
    /// model on every sentence that passed the other checks.
    public var counterfactual = true
    /// A model (name or GGUF path) that runs the counterfactual test instead of the answer model; nil: the
    /// answer model.
    public var counterfactualModel: String?
    /// At most this many sentences the listed passages do not back are searched for in the whole index;
    /// 0 turns the search off.
    public var corroborationSearches = 2
    /// A passage found by that search must be at least this close to the question (the least a passage given
    /// to the model can have: `minimumEvidence - relevanceMargin`).
    public var corroborationRelevance: Float = 0.37

    // MARK: Finish

    /// Sentences that failed the checks are left out of the answer (kept in `draft` with their trace).
    /// With `strict`, weakly supported ones are left out too.
    public var dropUnsupported = true
    /// An answer whose kept sentences mention none of the question's names (its drug, gene, function: see
    /// `requireCoveredTerms`) answers another question, however well its sources back it; it abstains
    /// (`off-subject`). The hand-checked dev answers had such wrong answers pass every check: `N()` for a
    /// question about `nsimplify`, `scrypt` for `pbkdf2_hmac`. Off: on the tune split (2026-12-05) it raised false
    /// abstention from 0.25 to 0.36, one of the three answers it stopped carrying all its facts.
    public var requireNamedSubject = false
    /// A clinical answer must state a finding: when every supported sentence cites only abstracts' background,
    /// aim or methods sections (`Entailment.Aim.isSetup`), or only tells how a study was done or why
    /// (`Entailment.Aim.setsUp`, for abstracts without sections), it tells what was asked and how, not what was
    /// found, and abstains (`unresponsive`). On the dev sets (2026-12-07) it turned two answers into abstentions,
    /// both non-answers in the hand check (the NLST's methods; background and IPTW methods of an unsectioned
    /// abstract).
    public var requireFinding = true
    /// Least cosine between the question and the checked sentences together, per domain, below which the answer
    /// abstains (`unresponsive`): each sentence is its passage's, but together they answer another question
    /// ("Use `keyword.kwlist` …" for suggesting close matches to a misspelled word; the syslog level mapping
    /// for the logging default). Set on the tune split of Corpora/eval/answers-facts-*.jsonl (2026-12-06, MiniLM):
    /// the wrong or non-answers there scored 0.48–0.66 (code, math) and 0.35 (clinical, a study's aim), the
    /// others 0.70 and up (code, math) and 0.50 and up (clinical); each threshold is the middle of its gap. On
    /// the confirm split, not tuned on, the code threshold turned five wrong checked answers into abstentions
    /// and no correct one; see Benchmarks/RESULTS.md, thirteenth pass.
    public var answerRelevance = DomainThresholds(clinical: 0.43, code: 0.68, math: 0.68)
    /// Under a checked answer, at most this many evidence quotes (`EvidenceQuotes`): for each cited passage, its
    /// sentence that states what the answer says, word for word, so the figures, arms and API names reach the
    /// reader exactly as the source writes them; 0: none.
    public var quotes = 2

    public init() {}

    enum CodingKeys: String, CodingKey {
        case listedPassages, maxPassages, relevanceMargin, resultsSection, entryHead, laterNotes, contextBudget, excerptBudget, resultsExcerptBudget
        case minimumEvidence, groundedEvidence, requireCoveredTerms, rareTermShare, declineMargin, retryWithoutExample, exampleAsTurn
        case verification, judge, counterfactual, counterfactualModel, corroborationSearches, corroborationRelevance, dropUnsupported
        case requireNamedSubject, requireFinding, answerRelevance, quotes
    }

    /// Every field, a nil one as null: "no excerpts" and "decline freely" must survive a replay.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(listedPassages, forKey: .listedPassages)
        try c.encode(maxPassages, forKey: .maxPassages)
        try c.encode(relevanceMargin, forKey: .relevanceMargin)
        try c.encode(resultsSection, forKey: .resultsSection)
        try c.encode(entryHead, forKey: .entryHead)
        try c.encode(laterNotes, forKey: .laterNotes)
        try c.encode(contextBudget, forKey: .contextBudget)
        try c.encode(excerptBudget, forKey: .excerptBudget)
        try c.encode(resultsExcerptBudget, forKey: .resultsExcerptBudget)
        try c.encode(minimumEvidence, forKey: .minimumEvidence)
        try c.encode(groundedEvidence, forKey: .groundedEvidence)
        try c.encode(requireCoveredTerms, forKey: .requireCoveredTerms)
        try c.encode(rareTermShare, forKey: .rareTermShare)
        try c.encode(declineMargin, forKey: .declineMargin)
        try c.encode(retryWithoutExample, forKey: .retryWithoutExample)
        try c.encode(exampleAsTurn, forKey: .exampleAsTurn)
        try c.encode(verification, forKey: .verification)
        try c.encode(judge, forKey: .judge)
        try c.encode(counterfactual, forKey: .counterfactual)
        try c.encode(counterfactualModel, forKey: .counterfactualModel)
        try c.encode(corroborationSearches, forKey: .corroborationSearches)
        try c.encode(corroborationRelevance, forKey: .corroborationRelevance)
        try c.encode(dropUnsupported, forKey: .dropUnsupported)
        try c.encode(requireNamedSubject, forKey: .requireNamedSubject)
        try c.encode(requireFinding, forKey: .requireFinding)
        try c.encode(answerRelevance, forKey: .answerRelevance)
        try c.encode(quotes, forKey: .quotes)
    }

    /// A stored policy or a policy file read back: fields it lacks (a record made before they existed, a file
    /// that changes a few) keep their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let stored = try c.decodeIfPresent(T.self, forKey: key) { value = stored }
        }
        try read(.listedPassages, &listedPassages)
        try read(.maxPassages, &maxPassages)
        try read(.relevanceMargin, &relevanceMargin)
        try read(.resultsSection, &resultsSection)
        try read(.entryHead, &entryHead)
        try read(.laterNotes, &laterNotes)
        try read(.contextBudget, &contextBudget)
        excerptBudget = c.contains(.excerptBudget) ? try c.decodeIfPresent(Int.self, forKey: .excerptBudget) : excerptBudget
        resultsExcerptBudget = c.contains(.resultsExcerptBudget)
            ? try c.decodeIfPresent(Int.self, forKey: .resultsExcerptBudget) : resultsExcerptBudget
        try read(.minimumEvidence, &minimumEvidence)
        try read(.groundedEvidence, &groundedEvidence)
        try read(.requireCoveredTerms, &requireCoveredTerms)
        try read(.rareTermShare, &rareTermShare)
        declineMargin = c.contains(.declineMargin) ? try c.decodeIfPresent(Float.self, forKey: .declineMargin) : declineMargin
        try read(.retryWithoutExample, &retryWithoutExample)
        try read(.exampleAsTurn, &exampleAsTurn)
        try read(.verification, &verification)
        judge = try c.decodeIfPresent(String.self, forKey: .judge)
        try read(.counterfactual, &counterfactual)
        counterfactualModel = try c.decodeIfPresent(String.self, forKey: .counterfactualModel)
        try read(.corroborationSearches, &corroborationSearches)
        try read(.corroborationRelevance, &corroborationRelevance)
        try read(.dropUnsupported, &dropUnsupported)
        try read(.requireNamedSubject, &requireNamedSubject)
        try read(.requireFinding, &requireFinding)
        try read(.answerRelevance, &answerRelevance)
        try read(.quotes, &quotes)
    }
}

/// A threshold that differs by domain: a clinical answer carries figures and few of the question's words, a code
/// answer names what the question asks for.
public struct DomainThresholds: Codable, Equatable, Sendable {
    public var clinical: Float
    public var code: Float
    public var math: Float

    public init(clinical: Float, code: Float, math: Float) {
        self.clinical = clinical
        self.code = code
        self.math = math
    }

    public subscript(domain: Domain) -> Float {
        switch domain {
        case .clinical: clinical
        case .code: code
        case .math: math
        }
    }
}

/// Settings of one `ask`.
public struct AskParameters: Sendable {
    /// Passages retrieved before listing.
    public var k = 6
    /// Three sentences with their numbers need well under 160 tokens; more is a small model rambling.
    public var maxTokens = 160
    public var seed: UInt64 = 0
    public var domain: Domain?
    /// Leave out weakly supported sentences too.
    public var strict = false
    public var policy = AnswerPolicy()

    public init() {}
}

/// Why an answer is "Not found in the indexed sources." (JSON `abstention_reason`).
public enum AbstentionReason: String, Codable, Sendable {
    /// No passage is close enough to the question.
    case weakEvidence = "weak-evidence"
    /// A question word occurs nowhere in the index (middling evidence).
    case absentTerms = "absent-terms"
    /// An uncommon question term occurs in none of the listed passages.
    case uncoveredTerms = "uncovered-terms"
    /// The model said the sources do not answer the question.
    case sentinel
    /// No sentence of the model's answer passed the checks.
    case unsupported
    /// The checked sentences never name what the question asks about (`AnswerPolicy.requireNamedSubject`).
    case offSubject = "off-subject"
    /// The checked sentences together are far from the question (`AnswerPolicy.answerRelevance`): each is its
    /// passage's, but they answer another question. Or every fully supported one only repeats what the question
    /// states before it asks (`Premise`), or gives a study's aim; or, in a clinical answer, each cites only the
    /// sections that set a study up, no finding (`AnswerPolicy.requireFinding`).
    case unresponsive
}

/// How an answer's sentences were made (JSON `method`).
public enum AnswerMethod: String, Codable, Sendable {
    /// Written by the model and checked.
    case generated
    /// Written by the model on its second try, from the prompt without the worked example, after no sentence
    /// of the first passed the checks (`AnswerPolicy.retryWithoutExample`); `draft` keeps the first try's.
    case regenerated
    /// Quoted from the passages (records made before quote answers were withdrawn).
    case extractive
}
