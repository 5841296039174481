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

@Test("Stems take off inflections while four letters remain, then keep five letters")
func contentStems() {
    #expect(["rates", "rate", "doses", "pushes", "pushed", "pushing", "reduced", "reduction"].map(ContentWords.stem)
        == ["rate", "rate", "dose", "push", "push", "push", "reduc", "reduc"])
    // Words whose last letters are not an inflection, and words too short to lose one, keep them.
    #expect(["status", "analysis", "class", "uses", "need", "string"].map(ContentWords.stem)
        == ["statu", "analy", "class", "uses", "need", "strin"])
    #expect(ContentWords.stems(of: "The rates were lower; a rate is given.") == ["rate", "lower", "rate", "given"])
}

@Test("A compound sentence is supported only when each of its clauses is the cited passage's")
func compoundClauses() {
    let profiler = [EvidencePassage(number: 1, text: "When more than one key is provided to sort_stats, additional keys are used " +
        "as secondary criteria: the entries are sorted by the first key and ties are then sorted by the next key.")]
    let verifier = Verifier()
    let joined = AnswerSentence(text: "When more than one key is provided to sort_stats, additional keys are used as " +
        "secondary criteria, and records with equal keys keep their original order.", citations: [1])
    let checked = verifier.verify([joined], passages: profiler)[0]
    #expect(checked.support == .unsupported)
    #expect(checked.trace?.contains { $0.rule == .meaning && !$0.passed && $0.detail.contains("clause") } == true)
    let faithful = AnswerSentence(text: "The sort_stats method sorts the entries by the first key, and ties are then sorted " +
        "by the next key.", citations: [1])
    #expect(verifier.verify([faithful], passages: profiler)[0].support == .supported)
    #expect(Clauses("Use a list for ordered items; sets have no defined order, but dicts keep insertion order.").clauses.count == 3)
    #expect(Clauses("Delirium was lower with dexmedetomidine and with clonidine.").clauses.count == 1)
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
    // A signature alone is a name with its parameters, not an answer; with a word around it, it is a statement.
    let signature = [EvidencePassage(number: 1, text: "scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64) " +
                                     "The function provides scrypt password-based key derivation.", vector: [1, 0])]
    let bare = verifier.verify([AnswerSentence(text: "`scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64)`.",
                                               citations: [1])], passages: signature)
    #expect(bare[0].support == .unsupported)
    #expect(bare[0].trace?.first?.detail == "states nothing checkable")
    #expect(Verifier.hasProse("Use `scrypt(password, *, salt, n, r, p)` to derive a key."))
    #expect(!Verifier.hasProse("`scrypt(password, *, salt, n, r, p)`."))
    #expect(!Verifier.hasProse("solve(set(x**2 - y, x))"))
    #expect(!Verifier.hasProse("``echelon_form``, ``rank``, ``rref``."))
    #expect(Verifier.hasProse("Call solve(x**2 - y, x) with the symbol."))
    // A backtick never closed opens code to the end of its call, not to the end of the sentence.
    #expect(Verifier.hasProse("`shorten(text, width, placeholder=' [...]') Collapse and truncate the given text."))
    #expect(!Verifier.hasProse("`scrypt(password, *, salt, n, r, p)."))
    #expect(!Verifier.hasProse("`sympy.integrate"))
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

@Test("A sentence joining two sections of one document is backed by both together; of two documents, it is not")
func attributionToTwoSections() {
    let methods = EvidencePassage(number: 1, text: """
        Regimens were P2Y12 inhibitor monotherapy after 3-month DAPT and conventional 12-month or longer DAPT in \
        patients with acute coronary syndrome.
        """, document: "PMID:7")
    let conclusions = EvidencePassage(number: 2, text: """
        Among patients with ACS undergoing PCI, P2Y12 inhibitor monotherapy after 3-month DAPT reduced the risk of \
        bleeding compared with conventional DAPT.
        """, document: "PMID:7")
    let sentence = AnswerSentence(text: """
        After PCI, P2Y12 inhibitor monotherapy after 3 months of DAPT reduced bleeding compared with 12 months of DAPT.
        """, citations: [2])
    let verifier = Verifier()
    let joined = verifier.verify([sentence], passages: [methods, conclusions])[0]
    #expect(joined.support == .supported, "\(joined.trace ?? [])")
    #expect(Set(joined.citations) == [1, 2])
    #expect(joined.trace?.contains { $0.rule == .attribution && $0.detail.contains("of one document") } == true)
    // The same texts as two documents: neither alone has "12" and "PCI", so nothing backs the sentence.
    var apart = [methods, conclusions]
    apart[0].document = "PMID:8"
    #expect(verifier.verify([sentence], passages: apart)[0].support == .unsupported)
    // A reversed finding is not rescued by the second section.
    let reversed = AnswerSentence(text: """
        After PCI, P2Y12 inhibitor monotherapy after 3 months of DAPT increased bleeding compared with 12 months of DAPT.
        """, citations: [2])
    let rejected = verifier.verify([reversed], passages: [methods, conclusions])[0]
    #expect(rejected.support == .unsupported, "\(rejected.trace ?? [])")
}

@Test("A sentence drawing on three sections of one document is backed by all of them together")
func attributionToWholeDocument() {
    let methods = EvidencePassage(number: 1, text: """
        Adults with resistant hypertension confirmed by ABPM received drug A or placebo.
        """, document: "PMID:9")
    let results = EvidencePassage(number: 2, text: """
        Drug A lowered systolic blood pressure by 12 mmHg compared with placebo in resistant hypertension.
        """, document: "PMID:9")
    let design = EvidencePassage(number: 3, text: "Treatment lasted 6 weeks.", document: "PMID:9")
    let sentence = AnswerSentence(text: """
        In resistant hypertension confirmed by ABPM, 6 weeks of drug A lowered systolic blood pressure by 12 mmHg \
        compared with placebo.
        """, citations: [2])
    let verifier = Verifier()
    let whole = verifier.verify([sentence], passages: [methods, results, design])[0]
    #expect(whole.support == .supported, "\(whole.trace ?? [])")
    #expect(Set(whole.citations) == [1, 2, 3])
    // No two sections hold "ABPM", "6" and "12"; as three documents nothing backs it.
    var apart = [methods, results, design]
    apart[0].document = "PMID:10"
    #expect(verifier.verify([sentence], passages: apart)[0].support == .unsupported)
}

@Test("A number joined to its unit in a passage is found (3 in \"3-month\"); the ends of a range are not")
func numbersInCompounds() {
    let text = SearchableText("P2Y12 inhibitor monotherapy after 3-month DAPT and 10-mg doses (7% [95% CI 5-16], RR 0.49, 0.27-0.88).")
    #expect(text.contains(number: "3") && text.contains(number: "10") && text.contains(number: "0.49"))
    #expect(!text.contains(number: "5") && !text.contains(number: "16") && !text.contains(number: "0.88"))
    // A name's number is not a range end: "GRECCAR 3" is not backed by "CI 3-16".
    let verifier = Verifier()
    let results = EvidencePassage(number: 1, text: "Local recurrence at 5 years was 7% (95% CI 3-16) in the GRECCAR trial.")
    let claim = AnswerSentence(text: "Local recurrence at 5 years was 7% in the GRECCAR 3 trial.", citations: [1])
    #expect(verifier.verify([claim], passages: [results])[0].support == .unsupported)
}

@Test("A sentence's number joined to a unit is a number; a range backs both its ends given in order; a title backs a numbered name")
func numbersAsTheSentenceStatesThem() {
    #expect(KeyTerms.extract("It gave 1.46-fold SNR over 3-year follow-up with 5-FU.").numbers == ["1.46", "3"])
    #expect(KeyTerms.extract("It gave 1.46-fold SNR with 5-FU and 5-fluorouracil.").identifiers.contains("5-fu"))
    #expect(KeyTerms.extract("It gave 1.46-fold SNR with 5-fluorouracil.").identifiers.contains("5-fluorouracil"))
    let scores = SearchableText("Depression scores decreased from the first to second visits (8.79-7.57; p = 0.002).",
                                context: "Microvascular disease among individuals with type 2 diabetes. RESULTS")
    let fell = KeyTerms.tokens("Depression scores fell from 8.79 to 7.57.")
    #expect(scores.backs(number: "8.79", sentence: fell) && scores.backs(number: "7.57", sentence: fell))
    // An end alone, or both ends swapped, is not what the range states.
    #expect(!scores.backs(number: "8.79", sentence: KeyTerms.tokens("Depression scores were 8.79.")))
    #expect(!scores.backs(number: "8.79", sentence: KeyTerms.tokens("Depression scores rose from 7.57 to 8.79.")))
    #expect(scores.backs(number: "2", sentence: KeyTerms.tokens("In type 2 diabetes scores fell.")))
    #expect(!scores.backs(number: "2", sentence: KeyTerms.tokens("Scores fell in 2 visits.")))
    let verifier = Verifier()
    let passage = EvidencePassage(number: 1, text: "The 10.5T array provided 1.46 times the central SNR of the 7T array.")
    let claim = AnswerSentence(text: "The 10.5T array provided 1.46-fold the central SNR of the 7T array.", citations: [1])
    #expect(verifier.verify([claim], passages: [passage])[0].support == .supported)
    let swapped = AnswerSentence(text: "The 10.5T array provided 2.08-fold the central SNR of the 7T array.", citations: [1])
    let checked = verifier.verify([swapped], passages: [passage])[0]
    #expect(checked.support == .unsupported && checked.trace?.first?.rule == .keyTerms)
}

@Test("A range the sentence writes must be the passage's, ends in the same order")
func rangesInOrder() {
    #expect(KeyTerms.ranges("Scores fell (8.79-7.57; p = 0.002), 95% CI 0.72–2.22.").map { "\($0)-\($1)" } == ["8.79-7.57", "0.72-2.22"])
    let scores = SearchableText("Depression scores decreased from the first to second visits (8.79-7.57; p = 0.002). "
                                + "The odds ratio was 1.5 (95% CI 0.72 to 2.22).")
    #expect(scores.backs(range: "8.79", "7.57") && scores.backs(range: "0.72", "2.22"))
    #expect(!scores.backs(range: "7.57", "8.79") && !scores.backs(range: "2.22", "0.72"))
    let verifier = Verifier()
    let passage = EvidencePassage(number: 1, text: "Depression scores significantly decreased from the first to second visits (8.79-7.57; p = 0.002).")
    let faithful = AnswerSentence(text: "Depression scores significantly decreased from the first to second visits (8.79-7.57).", citations: [1])
    #expect(verifier.verify([faithful], passages: [passage])[0].support == .supported)
    let reversed = AnswerSentence(text: "Depression scores significantly decreased from the first to second visits (7.57-8.79).", citations: [1])
    let checked = verifier.verify([reversed], passages: [passage])[0]
    #expect(checked.support == .unsupported && checked.trace?.first?.detail.contains("7.57-8.79") == true)
}

@Test("A trial named by an acronym and a number must be that trial: GRECCAR 2 does not back GRECCAR 3")
func numberedNames() {
    #expect(KeyTerms.extract("What did the GRECCAR 3 trial show?").identifiers.contains("greccar 3"))
    #expect(!KeyTerms.extract("DAPT 12 months reduced MACCE 2 years later.").identifiers.contains { $0.contains(" ") })
    // A value in brackets after an acronym is the acronym's value, not part of its name.
    #expect(!KeyTerms.extract("They had higher CETP [250 (232-263) vs. 223] mL/min.").identifiers.contains { $0.contains(" ") })
    let passage = EvidencePassage(number: 1, text: "GRECCAR 2 was the first multicentre randomised trial of local excision.")
    let verifier = Verifier()
    let wrong = AnswerSentence(text: "GRECCAR 3 was the first multicentre randomised trial of local excision.", citations: [1])
    #expect(verifier.verify([wrong], passages: [passage])[0].support == .unsupported)
    let right = AnswerSentence(text: "GRECCAR 2 was the first multicentre randomised trial of local excision.", citations: [1])
    #expect(verifier.verify([right], passages: [passage])[0].support == .supported)
    #expect(SearchableText("the GRECCAR-3 trial").contains(identifier: "greccar 3"))
    #expect(!SearchableText("the GRECCAR 30 trial").contains(identifier: "greccar 3"))
    // The question gate: a question about GRECCAR 3 over passages about GRECCAR 2 names a term no passage has.
    #expect(QuestionTerms.uncovered(in: "What were the results of the GRECCAR 3 trial?", passages: [passage],
                                    vocabulary: nil) == ["greccar 3"])
}

@Test("A dotted name is backed only where its owner is: `Path.walk` is not the `os.walk` the os page shows")
func ownersOfNames() {
    let walk = SearchableText("for root, dirs, files in os.walk(top, topdown=False): os.remove(os.path.join(root, name))",
                              context: "os --- Miscellaneous operating system interfaces library/os.rst.txt walk")
    #expect(!walk.contains(identifier: "path.walk"))
    #expect(walk.contains(identifier: "os.walk"))
    #expect(walk.contains(identifier: "os.path.join") && walk.contains(identifier: "path.join"))
    // An example's variable is no owner: "p.glob" on the pathlib page shows `Path.glob`.
    let glob = SearchableText(">>> from pathlib import Path\n>>> p = Path('.')\n>>> list(p.glob('**/*.py'))",
                              context: "pathlib --- Object-oriented filesystem paths library/pathlib.rst.txt Basic use")
    #expect(glob.contains(identifier: "path.glob"))
    // A qualifier inside a longer word names nothing: "dirpath" is no `Path`.
    let signature = SearchableText("walk(top, topdown=True): yields a 3-tuple (dirpath, dirnames, filenames).", context: "os walk")
    #expect(!signature.contains(identifier: "path.walk") && signature.contains(identifier: "os.walk"))
    // Without an owner in the text, the page's context may name it (the heapq page writes `heappush(heap, item)`).
    let heap = SearchableText("Push the value *item* onto the *heap*: :func:`heappush` keeps the invariant.",
                              context: "heapq --- Heap queue algorithm library/heapq.rst.txt")
    #expect(heap.contains(identifier: "heapq.heappush"))
    #expect(SearchableText("c.most_common(2) uses Counter.most_common ordering.").contains(identifier: "collections.counter.most_common")
        == false)
    #expect(SearchableText("Counter.most_common(n) lists the n most common elements.", context: "collections")
        .contains(identifier: "collections.counter.most_common"))
    let passage = EvidencePassage(number: 1, text: "for root, dirs, files in os.walk(top): yields a 3-tuple (dirpath, dirnames, filenames).")
    let wrong = AnswerSentence(text: "Use `Path.walk(p)` to traverse a directory tree, which yields a 3-tuple.", citations: [1])
    #expect(Verifier().verify([wrong], passages: [passage])[0].support == .unsupported)
}

@Test("Shared words do not back a sentence whose embedding is far from the passage's (cosine below the floor)")
func wordsWithoutMeaning() {
    let passage = EvidencePassage(number: 1, text: "Serrated polyps have a high miss rate owing to their location.", vector: [1, 0])
    let rearranged = AnswerSentence(text: "Owing to their location, serrated polyps have a high miss rate.", citations: [1])
    var verifier = Verifier(embed: { _ in [0.1, 0.995] })
    #expect(verifier.verify([rearranged], passages: [passage])[0].support != .supported)
    verifier.embed = { _ in [0.8, 0.6] }
    #expect(verifier.verify([rearranged], passages: [passage])[0].support == .supported)
}

@Test("A sentence passing on its meaning alone cites the section of its source that states it in more of its words")
func wordierSection() {
    let results = EvidencePassage(number: 1, text: """
        However, 5 mg olanzapine incurred significantly lower risk of adverse events than 10 mg olanzapine (OR 0.4).
        """, vector: [1, 0], document: "PMID:33046432")
    let conclusion = EvidencePassage(number: 2, text: """
        5 mg intravenous olanzapine is recommended for quick, safe emergency management of people with acute \
        behavioural disturbances.
        """, vector: [0.6, 0.8], document: "PMID:33046432")
    let sentence = AnswerSentence(text: "5 mg intravenous olanzapine is recommended for emergency chemical restraint of agitated adults.",
                                  citations: [1])
    // The embedder puts the sentence close to both sections; by words it is the conclusion's.
    let verifier = Verifier(embed: { _ in [0.8, 0.6] })
    let verified = verifier.verify([sentence], passages: [results, conclusion])[0]
    #expect(verified.support == .supported && verified.citations == [2], "\(verified.trace ?? [])")
    #expect(verified.trace?.contains { $0.rule == .attribution && $0.passage == 2 } == true)
    // Another document is not the same source: the citation stays.
    var other = conclusion
    other.document = "PMID:1"
    #expect(verifier.verify([sentence], passages: [results, other])[0].citations == [1])
}

@Test("A sentence backed only by an abstract's background section is not a finding")
func backgroundIsNotAFinding() {
    let text = "Of note, TMB failed to predict a benefit in overall survival among such patients."
    let sentence = AnswerSentence(text: "TMB failed to predict a benefit in overall survival among such patients.", citations: [1])
    let verifier = Verifier()
    let background = EvidencePassage(number: 1, text: text, context: "TMB and immunotherapy Abstract §BACKGROUND",
                                     document: "PMID:1")
    let checked = verifier.verify([sentence], passages: [background])[0]
    #expect(checked.support == .unsupported)
    #expect(checked.trace?.contains { $0.rule == .background && !$0.passed } == true, "\(checked.trace ?? [])")
    // Nor is it made a finding by another passage that shares its words.
    let results = EvidencePassage(number: 2, text: "TMB failed to predict benefit in overall survival among such patients " +
                                  "treated with chemotherapy.", context: "Other study Abstract §RESULTS", document: "PMID:2")
    let uncited = AnswerSentence(text: sentence.text, citations: [])
    let both = verifier.verify([uncited], passages: [background, results])[0]
    #expect(both.support == .unsupported, "\(both.trace ?? [])")
    #expect(verifier.verify([uncited], passages: [results])[0].support == .supported)
    // A finding the model cites with it, and that backs it on its own, makes it one.
    let citedBoth = AnswerSentence(text: sentence.text, citations: [1, 2])
    #expect(verifier.verify([citedBoth], passages: [background, results])[0].support == .supported)
    #expect(verifier.verify([sentence], passages: [background, results])[0].support == .unsupported)
    for context in ["TMB and immunotherapy Abstract §RESULTS", "TMB and immunotherapy Abstract", "library/tmb.rst.txt:3-9"] {
        let other = EvidencePassage(number: 1, text: text, context: context, document: "PMID:1")
        #expect(verifier.verify([sentence], passages: [other])[0].support == .supported, "\(context)")
    }
    #expect(Entailment.Aim.isBackground(context: "Title Abstract §INTRODUCTION AND AIMS"))
    #expect(!Entailment.Aim.isBackground(context: "Title Abstract §CONCLUSIONS"))
}

@Test("A number the sentence signs must be signed in the passage; the minus sign − is a minus")
func signedNumbers() {
    #expect(KeyTerms.negatives("SMD -0.64 (95% CI -0.98 to -0.30), rho = −0.30, IL-6 and 5-10 mg") == ["0.64", "0.98", "0.30", "0.30"])
    #expect(KeyTerms.extract("rho = −0.30").numbers == ["0.30"])
    let verifier = Verifier()
    let passage = EvidencePassage(number: 1, text: "Grip strength correlated with depression severity (rho = −0.30, p = 0.01), "
                                  + "and the intervention changed anxiety scores by 0.45 (95% CI 0.12 to 0.78).")
    let faithful = AnswerSentence(text: "Grip strength correlated with depression severity (rho = -0.30).", citations: [1])
    #expect(verifier.verify([faithful], passages: [passage])[0].support == .supported)
    let unsigned = AnswerSentence(text: "Grip strength correlated with depression severity (rho = 0.30).", citations: [1])
    #expect(verifier.verify([unsigned], passages: [passage])[0].support == .supported, "dropping a sign is how prose words it")
    let signed = AnswerSentence(text: "The intervention changed anxiety scores by -0.45 (95% CI 0.12 to 0.78).", citations: [1])
    let checked = verifier.verify([signed], passages: [passage])[0]
    #expect(checked.support == .unsupported && checked.trace?.first?.detail.contains("-0.45") == true)
}
