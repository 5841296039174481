import Foundation

/// Meaning checks between an answer sentence and the passage sentence that says the most about it: the
/// sentence must not negate what the passage states, reverse a direction, swap the sides of a comparison,
/// give a number to another group, put another name in the passage's statement, widen the claim, name
/// something the passage never mentions, single out one member of its list as the value (`Enumeration`), give a
/// figure of one scope ("for float") to another the passage treats apart, to a group the passage never names, or
/// as a default the passage states otherwise (`Scope`), give figures that say the opposite of its words
/// (`Arithmetic`), or turn a conversion round (`Conversion`); nor assemble a statement from two of its sentences
/// (`Borrowing`), nor claim an effect the passage does not report (`Finding`). Overlap and embeddings cannot see
/// these.
///
/// Every rule only rejects. Whether a sentence is backed at all is the verifier's overlap and similarity
/// test, which runs after these.
enum Entailment {
    /// A rule that rejected a sentence, and why (for the trace).
    struct Violation: Equatable, Sendable {
        var rule: VerificationRule
        var detail: String
    }

    /// The share of the sentence's content stems the passage sentence must hold for the rules to compare
    /// the two: below it they are about different things, and the rules have nothing to say.
    static let alignment = 0.5

    /// The first contradiction between `sentence` and `passages`, or nil when none is found.
    /// `isCommon` tells whether a word is ordinary vocabulary (not a drug, gene, function or other name).
    static func violation(of sentence: String, in passages: [String], context: String,
                          isCommon: ((String) -> Bool)?) -> Violation? {
        let passageSentences = passages.flatMap { SentenceSplitter.split($0).map(\.text) }.map(Unit.init)
        guard !passageSentences.isEmpty else { return nil }
        let claim = Unit(sentence)
        if let violation = novelNames(claim, passages: passageSentences, context: context, isCommon: isCommon) {
            return violation
        }
        if let (word, figures) = Arithmetic.contradiction(claim, passages: passageSentences) {
            return Violation(rule: .direction, detail: "its own figures say the opposite of \"\(word)\": \(figures)")
        }
        if let figure = Arithmetic.ratioAsAmount(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(figure) as a ratio, not as an amount of change")
        }
        if let (number, scope, claimed) = Scope.other(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding,
                             detail: "the passage gives \(number) for \"\(scope)…\", and something else for \"\(claimed)…\"")
        }
        if let (number, word, own) = Scope.unnamed(claim, passages: passageSentences, context: context) {
            return Violation(rule: .numberBinding,
                             detail: "the passage gives \(number) for \"\(own)…\", and never mentions \"\(word)…\"")
        }
        if let (claimed, stated) = Scope.otherComparator(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding,
                             detail: "the passage gives these figures against \"\(stated)…\", not against \"\(claimed)…\"")
        }
        if let (claimed, stated) = Scope.otherDefault(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(stated) as the default, not \(claimed)")
        }
        if let value = Enumeration.singledOut(claim, passages: passageSentences) {
            return Violation(rule: .singledOut, detail: "the passage gives \"\(value)\" only as one of a list, not as the value")
        }
        if let (first, second) = Groups.misranked(claim, passages: passageSentences) {
            return Violation(rule: .comparison, detail: "the passage's figures for \(first) and \(second) rank them the other way")
        }
        if let name = CodeNames.comparedOnly(claim, passages: passageSentences) {
            return Violation(rule: .novelName, detail: "the passage names \(name) only to compare another function with it")
        }
        if let figure = Groups.swapped(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(figure) to the other group (with or without)")
        }
        if let (number, given) = Binding.borrowed(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(given.joined(separator: ", ")) there, not \(number)")
        }
        if let (claimed, stated) = PValues.misbound(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "the passage gives these figures \"\(stated)\", not \"\(claimed)\"")
        }
        if let (phrase, home) = Borrowing.measure(claim, passages: passageSentences) {
            return Violation(rule: .numberBinding, detail: "these figures are not given for \"\(phrase)…\" but in: "
                             + "\"\(home.text.prefix(160))\"")
        }
        // The sentence all of the claim's figures come from gives each of them to its own word.
        if let home = Borrowing.home(of: claim, in: passageSentences), let (number, others) = Binding.misbound(claim, in: home) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(others.joined(separator: ", ")) there, "
                             + "not \(number): \"\(home.text.prefix(160))\"")
        }
        if let word = Finding.unreported(claim, passages: passageSentences) {
            return Violation(rule: .finding, detail: "the passage reports no result: nothing in it is \"\(word)\" or otherwise changed")
        }
        if let null = Finding.null(claim, passages: passageSentences) {
            return Violation(rule: .finding, detail: "the passage finds no difference: \"\(null.text.prefix(160))\"")
        }
        if let (comparator, null) = Finding.nullAgainst(claim, passages: passageSentences) {
            return Violation(rule: .finding,
                             detail: "the passage finds no difference against \"\(comparator)…\": \"\(null.text.prefix(160))\"")
        }
        if let group = Finding.excluded(claim, passages: passageSentences) {
            return Violation(rule: .negation, detail: "the passage states this \"but not\" for \"\(group)\"")
        }
        if let denied = Borrowing.negation(claim, passages: passageSentences) {
            return Violation(rule: .negation, detail: "the passage denies nothing about \"\(denied)…\"")
        }
        guard let target = bestMatch(for: claim, among: passageSentences),
              Double(claim.stems.intersection(target.stems).count) >= alignment * Double(max(claim.stems.count, 1))
        else {
            // Worded apart from the passage ("In type 2 diabetes, microvascular disease …" for "MVD was associated
            // with …"), the claim's figures still come from one sentence, and must keep its groups.
            if let home = Borrowing.home(of: claim, in: passageSentences),
               let (first, second) = Binding.inverted(claim, home) {
                return Violation(rule: .numberBinding, detail: "\(first) and \(second) are given to each other's group: "
                                 + "\"\(home.text.prefix(160))\"")
            }
            return nil
        }
        let quoted = "\"\(target.text.prefix(160))\""
        if Aim.states(target.text), !Aim.states(claim.text), !passageSentences.contains(where: { other in
            !Aim.states(other.text)
                && Double(claim.stems.intersection(other.stems).count) >= alignment * Double(max(claim.stems.count, 1))
        }) {
            return Violation(rule: .aim, detail: "the passage gives this as its aim or question, not as a finding: \(quoted)")
        }
        let replaced = Substitution.replacedWords(claim, target)
        if let (type, original) = CodeNames.typeSwap(replaced) {
            return Violation(rule: .novelName, detail: "the passage names \(original) here, not \(type): \(quoted)")
        }
        if let name = swappedName(claim, target, passages: passageSentences, isCommon: isCommon) {
            return Violation(rule: .novelName, detail: "the passage states this of another name, not \(name): \(quoted)")
        }
        if let (name, original) = Substitution.name(claim, target, passages: passageSentences, isCommon: isCommon) {
            return Violation(rule: .novelName, detail: "the passage states this of \(original), not \(name): \(quoted)")
        }
        if let (population, original) = Substitution.population(claim, target) {
            return Violation(rule: .novelName, detail: "the passage states this of \(original), not \(population): \(quoted)")
        }
        if let (number, original) = Substitution.number(claim, replaced: replaced) {
            return Violation(rule: .numberBinding, detail: "the passage gives \(original) here, not \(number): \(quoted)")
        }
        if let stem = Negation.conflict(claim, target) {
            return Violation(rule: .negation, detail: "\"\(stem)…\" is negated in one and stated in the other: \(quoted)")
        }
        if Finding.contradictsNull(claim, target) {
            return Violation(rule: .negation, detail: "one finds a difference and the other none: \(quoted)")
        }
        if let (first, second) = Binding.inverted(claim, target) {
            return Violation(rule: .numberBinding,
                             detail: "\(first) and \(second) are given to each other's group: \(quoted)")
        }
        if let (number, others) = Binding.misbound(claim, in: target) {
            return Violation(rule: .numberBinding,
                             detail: "the passage gives \(others.joined(separator: ", ")) there, not \(number): \(quoted)")
        }
        if Conversion.reversed(claim, target) {
            return Violation(rule: .direction, detail: "the conversion goes the other way: \(quoted)")
        }
        let swapped = Comparison.swapped(claim, target)
        // A pair of figures follows the comparison's sides: reversed with them, or not at all.
        if let (first, second) = Binding.reversedPair(claim, target), !swapped {
            return Violation(rule: .numberBinding, detail: "\(first) and \(second) are given in each other's place: \(quoted)")
        }
        // "Unless A, binary" says what "If A, text" says: one condition turned around turns the outcome round too.
        let reversed = (Polarity.reversed(claim.words, target.words) || Polarity.reversedAtTerm(claim, target))
            != (claim.words.contains("unless") != target.words.contains("unless"))
        if swapped != reversed {
            return swapped
                ? Violation(rule: .comparison, detail: "the sides of the comparison are swapped: \(quoted)")
                : Violation(rule: .direction, detail: "the direction is reversed: \(quoted)")
        }
        if let (first, second) = Exchange.exchanged(claim, target) {
            return Violation(rule: .comparison, detail: "\"\(first)\" and \"\(second)\" trade roles: \(quoted)")
        }
        if let word = Quantifier.introduced(claim.words, passageSentences.flatMap(\.words)) {
            return Violation(rule: .generalisation, detail: "\"\(word)\" is not stated: \(quoted)")
        }
        return nil
    }

    /// The passage sentence that says the most about `sentence`, with the sentences either side: the part
    /// of the passages a judge needs to read.
    static func window(for sentence: String, in passages: [String]) -> String {
        let claim = Unit(sentence)
        var best: (text: String, score: Int)?
        for passage in passages {
            let sentences = SentenceSplitter.split(passage).map(\.text)
            for (index, text) in sentences.enumerated() {
                let score = claim.stems.intersection(Unit(text).stems).count
                if best == nil || score > best!.score {
                    best = (sentences[max(0, index - 1)...min(sentences.count - 1, index + 1)].joined(separator: " "), score)
                }
            }
        }
        return best?.text ?? passages.joined(separator: " ")
    }

    /// The unit sharing the most content stems with `unit` (numbers count half a stem), ties to the first.
    static func bestMatch(for unit: Unit, among candidates: [Unit]) -> Unit? {
        var best: (Unit, Double)?
        for candidate in candidates {
            let shared = Double(unit.stems.intersection(candidate.stems).count)
                + 0.5 * Double(unit.numbers.filter(candidate.containsNumber).count)
            if best == nil || shared > best!.1 { best = (candidate, shared) }
        }
        return best?.0
    }

    /// A name the sentence gives that no passage (nor its title, path, section) contains: another drug,
    /// gene, function or population than the source's. Only uncommon words count: a paraphrase may use
    /// ordinary words of its own, and a word counts as present when its stem is.
    static func novelNames(_ claim: Unit, passages: [Unit], context: String, isCommon: ((String) -> Bool)?) -> Violation? {
        let present = passages.reduce(into: Set(ContentWords.stems(of: context))) { $0.formUnion($1.stems) }
        let lowered = passages.map(\.lowered).joined(separator: " ") + " " + context.lowercased()
        for (index, word) in claim.originalWords.enumerated() {
            let lower = word.lowercased()
            guard lower.count >= 4, lower.allSatisfy({ $0.isLetter }), !ContentWords.stopwords.contains(lower),
                  !present.contains(ContentWords.stem(lower)), !lowered.contains(lower) else { continue }
            // With a vocabulary, a name is an uncommon word, capitalised or not ("Python" is common in a docs
            // index); without one, a capitalised word inside the sentence is taken for a name.
            let isName = isCommon.map { !$0(lower) } ?? (index > 0 && word.first!.isUppercase)
            if isName {
                return Violation(rule: .novelName, detail: "\"\(word)\" appears in no cited passage")
            }
        }
        return nil
    }

    /// The passage sentence that states what the claim states (most of its content words) holds none of the
    /// claim's code names or identifiers but another one where the claim has its own, and the claim's name is
    /// stated elsewhere in the passages: "`solveset` is the older solver" against "`solve` is the older solver".
    /// A name the claim adds where the passage's sentence has no name in its place ("COVID-19 patients with
    /// neurological complications" where the sentence says "patients with …") is the passage's subject, not a swap.
    /// With a vocabulary, uncommon words are names too ("NRT was associated with a reduction in all-cause death"
    /// where the sentence says "varenicline was associated with … a reduction in all-cause death"); names both
    /// sentences give (an "OR", a "CI") do not stop the check.
    static func swappedName(_ claim: Unit, _ target: Unit, passages: [Unit], isCommon: ((String) -> Bool)?) -> String? {
        let claimNames = claim.names(isCommon: isCommon)
        guard !claimNames.isEmpty,
              Double(claim.stems.intersection(target.stems).count) >= 0.7 * Double(claim.stems.count) else { return nil }
        let missing = claimNames.filter { !target.lowered.contains($0) }
        let others = target.names(isCommon: isCommon).filter { name in
            !claimNames.contains(name) && !claim.tokens.contains(name) && !claim.words.contains(name)
        }
        guard !missing.isEmpty, !others.isEmpty,
              let moved = missing.first(where: { name in passages.contains { $0.lowered.contains(name) } }),
              claim.tokens.count <= 400, target.tokens.count <= 400
        else { return nil }
        let (_, hunks) = Substitution.differences(claim.tokens, target.tokens)
        let inPlace = hunks.contains { claimPart, sourcePart in
            claimPart.contains { claim.tokens[$0].contains(moved) }
                && sourcePart.contains { index in others.contains { target.tokens[index].contains($0) } }
        }
        return inPlace ? moved : nil
    }

    /// A sentence, normalised for the rules.
    struct Unit {
        let text: String
        let lowered: String
        /// Words as written (letters, digits, `'`), in order.
        let originalWords: [String]
        /// The same, lowercased.
        let words: [String]
        /// Tokens that keep names and numbers whole (`miR-122-5p`, `0.2Q`, `2.61`), lowercased.
        let tokens: [String]
        let stems: Set<String>
        let numbers: Set<String>

        init(_ text: String) {
            self.text = text
            // "non-responders" is the other group, not the responders: keep the prefix in the word.
            let joined = text.replacingOccurrences(of: #"\b([Nn]on)-(?=\w)"#, with: "$1", options: .regularExpression)
            lowered = joined.lowercased()
            originalWords = Self.wordsOf(joined)
            words = originalWords.map { $0.lowercased() }
            tokens = KeyTerms.tokens(joined).map { $0.lowercased() }
            stems = Set(ContentWords.stems(of: joined))
            numbers = Set(KeyTerms.tokens(joined).compactMap(KeyTerms.normalizedNumber))
        }

        func containsNumber(_ number: String) -> Bool { numbers.contains { Binding.same($0, number) } }

        /// Code names, identifiers and, given a vocabulary, uncommon words.
        func names(isCommon: ((String) -> Bool)?) -> [String] {
            var names = KeyTerms.extract(text).identifiers
            if let isCommon {
                names += words.filter { $0.count >= 5 && $0.allSatisfy(\.isLetter) && !isCommon($0) }
            }
            return Array(Set(names)).sorted()
        }

        static func wordsOf(_ text: String) -> [String] {
            text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "’") })
                .map { String($0).replacingOccurrences(of: "’", with: "'") }
        }
    }

    /// Words that deny what follows them, and what they deny: the first two content words after the cue,
    /// within its phrase. The first one (the head: "reduce", "significant") decides.
    enum Negation {
        static let cues: Set<String> = [
            "not", "no", "never", "neither", "nor", "none", "without", "cannot", "can't", "didn't", "doesn't",
            "don't", "isn't", "wasn't", "weren't", "aren't", "won't", "wouldn't", "hasn't", "haven't", "hadn't",
            "nonsignificant", "insignificant", "lack", "lacks", "lacked", "lacking", "absence", "fail", "fails",
            "failed", "unable",
        ]

        /// The stems negated in `unit` (heads first), the heads alone, and each denial's stems.
        static func scopes(_ unit: Unit) -> (negated: Set<String>, heads: Set<String>, denials: [Set<String>]) {
            var negated = Set<String>(), heads = Set<String>(), denials: [Set<String>] = []
            // "patients with migraine compared with those without migraine": a group and its comparator, no denial.
            let grouped = Set(unit.words.indices.dropLast().filter { unit.words[$0] == "with" }
                .map { ContentWords.stem(unit.words[$0 + 1]) })
            for phrase in unit.text.split(whereSeparator: { ",;()[]".contains($0) }) {
                let words = Unit.wordsOf(String(phrase)).map { $0.lowercased() }
                for (index, word) in words.enumerated() where cues.contains(word) {
                    if word == "not", index + 1 < words.count, words[index + 1] == "only" { continue }
                    if word == "without", index + 1 < words.count, grouped.contains(ContentWords.stem(words[index + 1])) { continue }
                    let content = words[(index + 1)...].filter { $0.count >= 4 && !ContentWords.stopwords.contains($0)
                        && !cues.contains($0) && !["been", "have", "does", "were"].contains($0) }
                    // Adverbs widen the scope to the word they modify: "not statistically significantly different"
                    // denies "different".
                    let adverbs = content.prefix { $0.hasSuffix("ly") }.count
                    let scope = content.prefix(max(2, min(adverbs + 1, 3)))
                    negated.formUnion(scope.map { ContentWords.stem($0) })
                    denials.append(Set(scope.map { ContentWords.stem($0) }))
                    // The head is what is denied: "not statistically significant" denies "significant".
                    if let head = scope.first(where: { !$0.hasSuffix("ly") }) ?? scope.first { heads.insert(ContentWords.stem(head)) }
                }
            }
            return (negated, heads, denials)
        }

        /// A head stated in one sentence and denied in the other. A passage's "empty ``args``" is the claim's
        /// "no args"; the claim's "an empty list" is still a list.
        static func conflict(_ claim: Unit, _ passage: Unit) -> String? {
            if let word = prefixed(claim, passage) ?? prefixed(passage, claim) { return word }
            let c = scopes(claim), p = scopes(passage)
            let emptied = Set(passage.words.indices.dropLast().filter { passage.words[$0] == "empty" }
                .map { ContentWords.stem(passage.words[$0 + 1]) })
            // Both deny one thing, worded apart: "but not of cardiovascular death" for "but not the risk of
            // cardiovascular death".
            func sameDenial(_ head: String, _ own: [Set<String>], _ other: [Set<String>]) -> Bool {
                own.contains { denial in denial.contains(head) && other.contains { !$0.isDisjoint(with: denial) } }
            }
            // Sorted, so the word named is the same on every run (a set's order is not).
            if let head = c.heads.sorted().first(where: { passage.stems.contains($0) && !p.negated.contains($0) && !emptied.contains($0)
                && !sameDenial($0, c.denials, p.denials) }) {
                return head
            }
            return p.heads.sorted().first { claim.stems.contains($0) && !c.negated.contains($0) && !sameDenial($0, p.denials, c.denials) }
        }

        /// A word one sentence writes with "non-" and the other only without it, before the same word: "returns a
        /// zero return code" for "returns a non-zero return code". A sentence that names both ("Indigenous and
        /// non-Indigenous") states no denial, and "a small rise" is not about "non-small-cell" cancer.
        static func prefixed(_ one: Unit, _ other: Unit) -> String? {
            func next(_ words: [String], _ index: Int) -> String { index + 1 < words.count ? words[index + 1] : "" }
            let denied = Set(other.words.indices.filter { other.words[$0].hasPrefix("non") && other.words[$0].count >= 6 }
                .map { [String(other.words[$0].dropFirst(3)), next(other.words, $0)] })
            return one.words.indices.first { index in
                let word = one.words[index]
                return word.count >= 3 && denied.contains([word, next(one.words, index)])
                    && !one.words.contains("non" + word) && !other.words.contains(word)
            }.map { one.words[$0] }
        }
    }

    /// A study's aim or question, or what it says is not yet known: none states a result.
    enum Aim {
        static let phrases = ["aimed to", "aims to", "the aim of", "we hypothesi", "purpose of this", "objective of this",
            "objective was to", "purpose was to", "investigated whether", "examined whether", "goal was to", "goal of this",
            "remains unknown", "remain unknown", "remains unclear", "remain unclear", "is unknown", "are unknown",
            "is unclear", "are unclear", "remains understudied", "remain understudied", "poorly understood",
            "this study investigated", "this study evaluated", "this study examined", "this study assessed",
            "this study explored",
            // Future work says what is not yet known: "X merits further investigation in large cohorts".
            "further investigation", "further research", "further study", "further studies", "future research",
            "future studies", "more research is", "more studies are"]
            // "to determine whether …", "to assess if …"
            + ["test", "determine", "assess", "investigate", "evaluate", "examine", "explore", "establish", "clarify"]
                .flatMap { verb in ["to \(verb) whether", "to \(verb) if "] }

        static func states(_ text: String) -> Bool {
            let lowered = text.lowercased()
            return lowered.trimmingCharacters(in: .whitespaces).hasSuffix("?") || phrases.contains { lowered.contains($0) }
        }

        /// First words of the abstract sections that give what was known before the study, not what it found.
        static let backgroundSections: Set<String> = ["background", "introduction", "context", "rationale", "importance"]

        /// Words of the abstract sections that set a study up: its background, aim and methods ("BACKGROUND AND
        /// AIMS", "Design, Setting, and Participants", "MAIN OUTCOME MEASURES"). What they state is not a finding.
        static let setupWords: Set<String> = [
            "background", "introduction", "context", "rationale", "importance", "objective", "objectives", "aim", "aims",
            "purpose", "hypothesis", "methods", "method", "methodology", "materials", "material", "patients", "design",
            "setting", "settings", "participants", "study", "interventions", "intervention", "measurements", "main",
            "outcome", "outcomes", "measures", "trial", "registration", "funding", "and", "of", "the",
        ]

        /// Whether a passage's context places it in a section that only sets the study up ("Abstract §METHODS",
        /// "Abstract §AIM OF THE STUDY"); not "§METHODS AND RESULTS", not an abstract without sections.
        static func isSetup(context: String) -> Bool {
            let words = sectionWords(context)
            return !words.isEmpty && words.allSatisfy(setupWords.contains)
        }

        /// The words of the abstract section a passage's context names after "§", lowercased; none without one.
        static func sectionWords(_ context: String) -> [String] {
            guard let section = context.range(of: "§", options: .backwards).map({ context[$0.upperBound...] }) else {
                return []
            }
            return section.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
        }

        /// Phrases of a study's method or of the open question it starts from, in an abstract without sections.
        static let setupPhrases = [
            "was performed", "were performed", "was conducted", "were conducted", "were categorized", "were categorised",
            "were classified", "were enrolled", "were randomized", "were randomised", "were randomly assigned",
            "were recruited", "were included", "were collected", "was analyzed", "was analysed", "were analyzed",
            "were analysed", "we conducted", "we performed", "we searched", "were searched", "we analyzed",
            "we analysed", "controversy remains", "remains controversial", "remain controversial", "little is known",
            "has not been established", "have not been established",
        ]

        /// Whether a sentence only tells how a study was done or why ("Inverse-probability of treatment-weighted
        /// (IPTW) analysis was performed.", "Controversy remains regarding …"): such a phrase, and outside its
        /// parentheses no effect figure and no word of a change or a result.
        static func setsUp(_ text: String) -> Bool {
            let lowered = text.lowercased()
            guard setupPhrases.contains(where: lowered.contains) else { return false }
            let outside = Unit(lowered.replacingOccurrences(of: #"\([^()]*\)"#, with: " ", options: .regularExpression))
            return EvidenceQuotes.effectFigures(in: outside.text).isEmpty
                && !outside.words.contains { Finding.effects.contains($0) || Finding.results.contains($0) }
        }

        /// Whether a passage's context (title, path, locator) places it in such a section ("Abstract §BACKGROUND").
        /// Its statements may be what the study goes on to refute: "Of note, TMB failed to predict a benefit in
        /// overall survival" opens an abstract that finds the benefit.
        static func isBackground(context: String) -> Bool {
            sectionWords(context).first.map(backgroundSections.contains) ?? false
        }
    }

    /// A number and the word it is stated of: the closest content word or name before it ("age (OR: 1.06)"
    /// is age's). In the passage, the numbers that follow the same word are that word's.
    enum Binding {
        /// Labels between a word and its number that are not what the number is about.
        static let labels: Set<String> = [
            "or", "hr", "rr", "ci", "aor", "ahr", "irr", "95%", "p", "n", "vs", "vs.", "versus", "was", "were", "is",
            "are", "of", "in", "at", "to", "by", "and", "with", "a", "an", "the", "=", "±", "mean", "median", "sd",
            "ratio", "odds", "hazard", "risk", "confidence", "interval", "about", "approximately", "nearly", "only",
        ]

        /// The claim's first number that the passage gives another value at the same word, with those values.
        /// Only a clear case counts: every occurrence of the word in the passage is followed by a number, and the
        /// passage never writes the claim's number just before the word ("1.17 … for NO2").
        static func misbound(_ claim: Unit, in passage: Unit) -> (String, [String])? {
            for (index, token) in claim.tokens.enumerated() {
                guard let number = KeyTerms.normalizedNumber(token), let anchor = anchor(before: index, in: claim.tokens)
                else { continue }
                guard let values = numbers(after: anchor, in: passage.tokens), !values.isEmpty,
                      !values.contains(where: { same($0, number) }),
                      !precedes(number, anchor, in: passage.tokens) else { continue }
                return (number, values)
            }
            return nil
        }

        /// Two numbers in the claim whose words keep the passage's order while the numbers trade places:
        /// "age (OR 1.06) and BMI (OR 1.02)" against "age (OR 1.02) and BMI (OR 1.06)". A paraphrase that
        /// turns the statement round moves the words with their numbers, and is not caught.
        static func inverted(_ claim: Unit, _ passage: Unit) -> (String, String)? {
            let anchored = claim.tokens.indices.compactMap { index -> (number: String, anchor: String)? in
                guard let number = KeyTerms.normalizedNumber(claim.tokens[index]),
                      let anchor = anchor(before: index, in: claim.tokens) else { return nil }
                return (number, anchor)
            }
            func firstNumber(_ number: String) -> Int? {
                passage.tokens.firstIndex { KeyTerms.normalizedNumber($0).map { same($0, number) } == true }
            }
            func firstWord(_ anchor: String) -> Int? { passage.tokens.firstIndex { $0.hasPrefix(anchor) } }
            // Where the passage itself states a number of the same word, that pair is as the passage has it
            // (a verbatim "300 mg vs. 400 mg …, (p < 0.001), and sunitinib, 25 mg vs. 37.5 mg" repeats its words).
            let stated = passage.tokens.indices.compactMap { index -> (number: String, anchor: String)? in
                guard let number = KeyTerms.normalizedNumber(passage.tokens[index]),
                      let anchor = anchor(before: index, in: passage.tokens) else { return nil }
                return (number, anchor)
            }
            func asStated(_ pair: (number: String, anchor: String)) -> Bool {
                stated.contains { $0.anchor == pair.anchor && same($0.number, pair.number) }
            }
            for (i, a) in anchored.enumerated() {
                for b in anchored[(i + 1)...] where a.anchor != b.anchor && !same(a.number, b.number)
                    && !(asStated(a) && asStated(b)) {
                    guard let na = firstNumber(a.number), let nb = firstNumber(b.number),
                          let wa = firstWord(a.anchor), let wb = firstWord(b.anchor) else { continue }
                    if na > nb && wa < wb { return (a.number, b.number) }
                }
            }
            return nil
        }

        /// The first pair of numbers the claim joins with "vs"/"versus" ("(64% vs 41%)") that the passage sentence
        /// joins the other way round ("(41% versus 64%)") and never as the claim has it.
        static func reversedPair(_ claim: Unit, _ passage: Unit) -> (String, String)? {
            func pairs(_ tokens: [String]) -> [(String, String)] {
                tokens.indices.dropFirst().dropLast().compactMap { index in
                    guard ["vs", "vs.", "versus"].contains(tokens[index]),
                          let a = KeyTerms.normalizedNumber(tokens[index - 1]),
                          let b = KeyTerms.normalizedNumber(tokens[index + 1]), !same(a, b) else { return nil }
                    return (a, b)
                }
            }
            let stated = pairs(passage.tokens)
            return pairs(claim.tokens).first { a, b in
                stated.contains { same($0.0, b) && same($0.1, a) } && !stated.contains { same($0.0, a) && same($0.1, b) }
            }
        }

        /// Whether `number` appears within eight tokens before an occurrence of `anchor`.
        static func precedes(_ number: String, _ anchor: String, in tokens: [String]) -> Bool {
            tokens.indices.contains { index in
                tokens[index].hasPrefix(anchor) && tokens[max(0, index - 8)..<index].contains {
                    KeyTerms.normalizedNumber($0).map { same($0, number) } == true
                }
            }
        }

        /// The nearest word before `index` (within four tokens) that can carry a number.
        static func anchor(before index: Int, in tokens: [String]) -> String? {
            var position = index - 1
            while position >= 0, index - position <= 4 {
                let token = tokens[position]
                if KeyTerms.normalizedNumber(token) != nil { return nil }  // "1.02, 95% CI 1.01-1.04": another number's
                if !labels.contains(token), token.contains(where: \.isLetter), token.count >= 2 {
                    return ContentWords.stem(token)
                }
                position -= 1
            }
            return nil
        }

        /// The first number after each occurrence of `anchor` (within four tokens; a confidence level such as
        /// "95% CI" is not a value); nil when some occurrence has none.
        static func numbers(after anchor: String, in tokens: [String]) -> [String]? {
            var found: [String] = []
            for (index, token) in tokens.enumerated() where token.hasPrefix(anchor) && token.count >= 3 {
                var value: String?
                var position = index + 1
                while position < min(index + 5, tokens.count) {
                    let next = tokens[position]
                    if let number = KeyTerms.normalizedNumber(next) {
                        // The level of "95% CI" or "95 % CI" is no value; "0.83, 95% CI" is one.
                        var after = tokens[(position + 1)..<min(position + 3, tokens.count)]
                        if after.first != "%" { after = after.prefix(1) }
                        if !after.contains(where: { $0.hasPrefix("confidence") || $0 == "ci" }) { value = number; break }
                    } else if !labels.contains(next), next.contains(where: \.isLetter),
                              !abbreviates(next, tokens[..<position]) {
                        break
                    }
                    position += 1
                }
                guard let value else { return nil }
                found.append(value)
            }
            return SentenceSplitter.unique(found)
        }

        static func same(_ a: String, _ b: String) -> Bool { a == b || Double(a).map { $0 == Double(b) } == true }

        /// Whether `token` is the initials of the words just before it ("maces" after "major adverse cardiac
        /// events"): the measure's abbreviation, between the measure and its value.
        static func abbreviates(_ token: String, _ before: ArraySlice<String>) -> Bool {
            let letters = token.hasSuffix("s") && token.count > 3 ? String(token.dropLast()) : token
            guard (2...6).contains(letters.count), letters.allSatisfy(\.isLetter), before.count >= letters.count else { return false }
            return String(before.suffix(letters.count).compactMap(\.first)) == letters
        }

        /// The claim's number that the passages give only to other words, where the word the claim gives it to
        /// has a value of its own wherever the passages use it: "major adverse cardiac events (RR 0.75)" where
        /// the passage's MACEs have RR 0.83 and 0.75 is stroke's. The number must be the passages' (a rounding is
        /// not borrowed), and no passage may write it just before the word.
        static func borrowed(_ claim: Unit, passages: [Unit]) -> (String, [String])? {
            for (index, token) in claim.tokens.enumerated() {
                guard let number = KeyTerms.normalizedNumber(token), let anchor = anchor(before: index, in: claim.tokens),
                      anchor.count >= 4, passages.contains(where: { $0.containsNumber(number) }) else { continue }
                let using = passages.filter { $0.tokens.contains { $0.hasPrefix(anchor) && $0.count >= 3 } }
                let values = using.map { numbers(after: anchor, in: $0.tokens) }
                guard !using.isEmpty, values.allSatisfy({ $0?.isEmpty == false }) else { continue }
                let given = SentenceSplitter.unique(values.flatMap { $0! })
                guard !given.contains(where: { same($0, number) }),
                      !passages.contains(where: { precedes(number, anchor, in: $0.tokens) }) else { continue }
                return (number, given)
            }
            return nil
        }
    }

    /// Words that give a change, a comparison or a position its direction, in opposite pairs of groups.
    enum Polarity {
        static let pairs: [(Set<String>, Set<String>)] = [
            (["increase", "increased", "increases", "increasing", "higher", "highest", "greater", "greatest", "more",
              "elevated", "raised", "rise", "rises", "rose", "larger", "largest", "longer", "longest", "exceeded",
              "prolonged", "enhanced", "augmented", "gain", "gained", "above", "upregulated", "upper", "bigger",
              "maximum", "max"],
             ["decrease", "decreased", "decreases", "decreasing", "reduce", "reduced", "reduces", "reducing",
              "reduction", "reductions", "lower", "lowest", "lowered", "less", "least", "fewer", "fewest",
              "diminished", "declined", "decline", "dropped", "fell", "smaller", "smallest", "shorter", "shortest",
              "shortened", "attenuated", "below", "downregulated", "lessened", "minimum", "min"]),
            (["improve", "improved", "improves", "improving", "improvement", "better", "best", "superior",
              "beneficial", "favorable", "favourable", "safer", "effective", "benefit", "benefits"],
             ["worsen", "worsened", "worsens", "worsening", "deterioration", "worse", "worst", "inferior", "harmful",
              "unfavorable", "unfavourable", "riskier", "ineffective", "harm", "harms"]),
            (["before", "earlier", "earliest", "prior", "preceding"], ["after", "later", "latest", "subsequent", "following"]),
            (["first", "start", "starts", "starting", "begin", "begins", "beginning", "prefix", "leading"],
             ["last", "end", "ends", "ending", "suffix", "trailing", "final"]),
            (["left", "leftmost"], ["right", "rightmost"]),
            (["faster", "fastest", "quicker", "rapid", "rapidly"], ["slower", "slowest", "slowly", "delayed"]),
            (["positive", "positively"], ["negative", "negatively", "inverse", "inversely"]),
            (["inclusive", "including"], ["exclusive", "excluding"]),
            (["true"], ["false"]),
            (["enabled", "enable", "enables"], ["disabled", "disable", "disables"]),
            (["mutable"], ["immutable"]),
            (["ascending"], ["descending"]),
            (["required", "mandatory"], ["optional"]),
            (["synchronous", "sync"], ["asynchronous", "async"]),
            (["binary", "bytes"], ["text", "str"]),
            (["real"], ["complex", "imaginary"]),
            (["finite"], ["infinite"]),
            (["even"], ["odd"]),
            (["convergent", "converges", "convergence"], ["divergent", "diverges", "divergence"]),
            (["open", "opened"], ["closed", "close"]),
            (["local"], ["global"]),
            (["lazy", "lazily"], ["eager", "eagerly"]),
            (["sorted"], ["unsorted"]),
            (["union", "unions"], ["intersection", "intersections"]),
            (["encode", "encodes", "encoded"], ["decode", "decodes", "decoded"]),
            (["uppercase"], ["lowercase"]),
            (["signed"], ["unsigned"]),
            (["valid"], ["invalid"]),
            (["stable"], ["unstable"]),
            (["safe"], ["unsafe"]),
            (["supported"], ["unsupported"]),
            (["blocking"], ["nonblocking"]),
            (["men", "male", "males", "boys"], ["women", "female", "females", "girls"]),
        ]

        /// The direction given to each term: a direction word and the term right after it ("higher miR-122-5p",
        /// "lower odds"), as (term, pair, side).
        static func directed(_ unit: Unit) -> [String: [Int: Set<Int>]] {
            var found: [String: [Int: Set<Int>]] = [:]
            let tokens = unit.tokens.map { $0.trimmingCharacters(in: .punctuationCharacters) }
            for (index, token) in tokens.enumerated() {
                guard let pair = pairs.firstIndex(where: { $0.0.contains(token) || $0.1.contains(token) }) else { continue }
                let side = pairs[pair].0.contains(token) ? 0 : 1
                for next in tokens[(index + 1)..<min(index + 3, tokens.count)] {
                    if pairs.contains(where: { $0.0.contains(next) || $0.1.contains(next) }) { break }
                    let term = Comparison.term(next)
                    if term.isEmpty { continue }
                    found[term, default: [:]][pair, default: []].insert(side)
                    break
                }
            }
            return found
        }

        /// Whether a term the claim gives a direction has only the opposite direction in the passage sentence.
        static func reversedAtTerm(_ claim: Unit, _ passage: Unit) -> Bool {
            let passageDirections = directed(passage)
            for (term, byPair) in directed(claim) {
                for (pair, sides) in byPair {
                    guard let stated = passageDirections[term]?[pair], !stated.isEmpty else { continue }
                    if stated.isDisjoint(with: sides) { return true }
                }
            }
            return false
        }

        /// Whether the claim states a side of a pair that the passage sentence lacks while stating the other,
        /// or states both sides in the reverse order ("returns the larger, leaving the smaller").
        static func reversed(_ claim: [String], _ passage: [String]) -> Bool {
            let claimWords = Set(claim), passageWords = Set(passage)
            for (one, other) in pairs {
                let cOne = !claimWords.isDisjoint(with: one), cOther = !claimWords.isDisjoint(with: other)
                let pOne = !passageWords.isDisjoint(with: one), pOther = !passageWords.isDisjoint(with: other)
                if cOne && !pOne && pOther || cOther && !pOther && pOne { return true }
                // Past the words both share and words of a position ("minimum … lower" for "minimum (min[1/g])
                // … higher"): one side only the claim has, the other only the passage.
                let claimOnly = claimWords.subtracting(passageWords).subtracting(Finding.positions)
                let passageOnly = passageWords.subtracting(claimWords).subtracting(Finding.positions)
                let (oOne, oOther) = (!claimOnly.isDisjoint(with: one), !claimOnly.isDisjoint(with: other))
                let (qOne, qOther) = (!passageOnly.isDisjoint(with: one), !passageOnly.isDisjoint(with: other))
                if oOne && !oOther && qOther && !qOne || oOther && !oOne && qOne && !qOther { return true }
                if cOne && cOther && pOne && pOther {
                    let c = claim.compactMap { one.contains($0) ? 1 : other.contains($0) ? 2 : nil }
                    let p = passage.compactMap { one.contains($0) ? 1 : other.contains($0) ? 2 : nil }
                    if c != p, c == Array(p.reversed()) { return true }
                }
            }
            return false
        }
    }

    /// "A … than B", "A compared with B", "A followed by B", "A instead of B": which side each term is on.
    enum Comparison {
        /// Anchors that frame one comparison, however it is worded.
        static let comparative: [[String]] = [
            ["than"], ["compared", "with"], ["compared", "to"], ["versus"], ["vs"], ["relative", "to"],
        ]
        static let anchors: [[String]] = comparative + [
            ["followed", "by"], ["instead", "of"], ["rather", "than"], ["before"], ["after"],
        ]
        /// Words too plain to tell the sides apart.
        static let plain: Set<String> = [
            "the", "a", "an", "of", "in", "on", "at", "to", "by", "for", "with", "and", "or", "was", "were", "is",
            "are", "be", "been", "that", "those", "this", "these", "it", "its", "than", "group", "groups", "patients",
        ]

        /// The terms right after the anchor (the compared-with side, up to five tokens) and the rest, with the
        /// anchor's place in `anchors`. Anchors are tried in the order listed: "than" or "compared with" is the
        /// comparison even when a temporal "after" comes first ("After PCI, A reduced bleeding compared with B").
        /// Parentheses and brackets list values and abbreviations, not sides ("compared to UA IVRA (FA: 2.00 …)"
        /// compares with UA): they are left out. A "than" before a figure bounds a quantity ("infants younger than
        /// 1 year", "more than 30%"), it compares no sides.
        static func sides(_ unit: Unit) -> (subject: Set<String>, object: Set<String>, anchor: Int)? {
            let tokens = bareTokens(unit)
            for (kind, anchor) in anchors.enumerated() {
                for index in tokens.indices where index + anchor.count <= tokens.count
                    && Array(tokens[index..<index + anchor.count]) == anchor {
                    let after = index + anchor.count
                    if anchor.last == "than", after < tokens.count, KeyTerms.normalizedNumber(tokens[after]) != nil { continue }
                    let end = min(after + 5, tokens.count)
                    let object = Set(tokens[after..<end].map(term).filter { !$0.isEmpty })
                    // The other side comes before the anchor, or after the compared-with side when the comparison
                    // opens the sentence ("Compared with B, A …").
                    var subject = Set(tokens[..<index].map(term).filter { !$0.isEmpty }).subtracting(object)
                    if subject.isEmpty {
                        subject = Set(tokens[end...].map(term).filter { !$0.isEmpty }).subtracting(object)
                    }
                    guard !object.isEmpty else { continue }
                    return (subject, object, kind)
                }
            }
            return nil
        }

        /// The unit's tokens outside brackets, without punctuation at their ends: the words that frame a
        /// comparison or a conversion.
        static func bareTokens(_ unit: Unit) -> [String] {
            Unit(outsideBrackets(unit.text)).tokens.map { $0.trimmingCharacters(in: .punctuationCharacters) }
        }

        /// The text without its parenthesised and bracketed parts (nested ones included).
        static func outsideBrackets(_ text: String) -> String {
            var depth = 0
            var kept = ""
            for character in text {
                if character == "(" || character == "[" { depth += 1; continue }
                if character == ")" || character == "]" { depth = max(depth - 1, 0); continue }
                if depth == 0 { kept.append(character) }
            }
            return kept
        }

        /// A token as a side term: names and short acronyms whole, long words by their stem; plain words dropped.
        static func term(_ token: String) -> String {
            guard token.count >= 2, !plain.contains(token), token.contains(where: \.isLetter),
                  !ContentWords.stopwords.contains(token) else { return "" }
            return token.allSatisfy(\.isLetter) ? ContentWords.stem(token) : token
        }

        /// The comparative anchors are one family; each other anchor is its own.
        static func family(_ anchor: Int) -> Int { anchor < comparative.count ? 0 : anchor }

        /// Whether the passage puts on the compared-with side what the claim puts on the other, and back.
        static func swapped(_ claim: Unit, _ passage: Unit) -> Bool {
            // Sides compare only under the same kind of anchor: "before" against "after" is a reversed order
            // (`Polarity`), not a swap.
            guard let c = sides(claim), let p = sides(passage), family(c.anchor) == family(p.anchor) else { return false }
            // A term the claim compares with stands on the passage's other side only, and one of the claim's
            // other side is what the passage compares with ("mice" on both sides of "MGO mice … than 0.2Q mice"
            // tells nothing either way).
            let objectMoved = c.object.contains { p.subject.contains($0) && !p.object.contains($0) }
            let subjectMoved = c.subject.contains { p.object.contains($0) && !c.object.contains($0) && !p.subject.contains($0) }
            // A passage whose subject is a pronoun ("This is more efficient than ``eigenvals``") names only the
            // compared-with side: putting that one first is the swap.
            let pronoun = ["this", "it", "these", "they", "that"].contains(bareTokens(passage).first ?? "")
            return subjectMoved && (objectMoved || pronoun)
        }
    }

    /// Words that widen a claim beyond what a study or a page states.
    enum Quantifier {
        static let universal: Set<String> = [
            "all", "every", "everyone", "everybody", "always", "regardless", "irrespective", "universally",
            "solely", "exclusively", "entirely", "completely", "guaranteed", "uniformly",
        ]
        /// A widening word the claim adds to the passage's sentence.
        static func introduced(_ claim: [String], _ passage: [String]) -> String? {
            let passageWords = Set(passage)
            return claim.first { universal.contains($0) && !passageWords.contains($0) }
        }
    }
}
