import Testing
@testable import CitedAnswer

private let trial = "Retention occurred in 8.8% of women given tamsulosin and in 25.8% given Placebo; voiding was faster with Tamsulosin."

@Test("Slots: the sentence's numbers get the source's other numbers, comparison words their opposites, names the source's other names")
func counterfactualSlots() {
    let sentence = "Retention was 25.8% with Tamsulosin, and voiding was slower."
    let slots = Counterfactual.slots(in: sentence, source: trial)
    let byWord = Dictionary(uniqueKeysWithValues: slots.map { ($0.word, $0) })
    #expect(byWord["25.8%"]?.alternatives == ["8.8%"])
    #expect(byWord["slower"]?.alternatives == ["faster"])
    #expect(byWord["Tamsulosin"]?.alternatives == ["Placebo"])
    // Offsets are UTF-8 byte offsets of the word in the sentence.
    for slot in slots {
        let bytes = Array(sentence.utf8)
        #expect(String(decoding: bytes[slot.offset..<(slot.offset + slot.word.utf8.count)], as: UTF8.self) == slot.word)
    }
    // The first word is not taken for a name for being capitalised; a name the source lacks has no slot.
    #expect(byWord["Retention"] == nil)
    #expect(Counterfactual.slots(in: "It was given with Aspirin daily.", source: trial).isEmpty)
    // A name stands against names of its kind: "PCI" against "ACS", not against "3-month".
    let acronyms = Counterfactual.slots(in: "After PCI, bleeding fell with monotherapy.",
                                        source: "Among patients with ACS undergoing PCI, monotherapy after 3-month DAPT reduced bleeding.")
    #expect(acronyms.first { $0.word == "PCI" }.map { !$0.alternatives.isEmpty && !$0.alternatives.contains("3-month") } == true)
    // A name with digits stands against names with digits ("NO2"), not against a quantity ("6-month").
    let digits = Counterfactual.slots(in: "Six months on, COVID-19 patients returned to work less often.",
                                      source: "Of 606 COVID-19 patients, the 6-month mRS was worse; NO2 exposure was similar.")
    #expect(digits.first { $0.word == "COVID-19" }?.alternatives == ["NO2"])
}

@Test("Slots keep the case of an opening comparison word and skip numbers the source has no others of")
func counterfactualSlotCase() {
    let slots = Counterfactual.slots(in: "Higher doses gave 12 events.", source: "Only 12 events occurred.")
    #expect(slots.map(\.word) == ["Higher"])
    #expect(slots.first?.alternatives == ["Lower"])
}

/// A scorer that prefers a fixed alternative by a fixed margin, and records what it was asked.
private final class ScriptedScorer: CounterfactualScorer {
    let margin: Float
    var asked: [(claim: String, slots: [Counterfactual.Slot])] = []
    init(margin: Float) { self.margin = margin }
    func counterfactual(claim: String, source: String, slots: [Counterfactual.Slot]) throws -> Counterfactual.Finding? {
        asked.append((claim, slots))
        guard let slot = slots.first else { return nil }
        return Counterfactual.Finding(word: slot.word, alternative: slot.alternatives[0], kind: slot.kind, margin: margin)
    }
}

@Test("The verifier rejects a sentence whose swapped word the model prefers beyond the margin, and keeps it otherwise")
func counterfactualVerdicts() {
    let evidence = [EvidencePassage(number: 1, text: trial)]
    let sentence = AnswerSentence(text: "Retention occurred in 8.8% of women given tamsulosin.", citations: [1])
    let limit = VerificationPolicy().counterfactualMargin
    for (margin, expected) in [(limit + 0.5, Support.unsupported), (limit, Support.supported), (-2, Support.supported)] {
        let scorer = ScriptedScorer(margin: margin)
        let verifier = Verifier(counterfactual: { try scorer.counterfactual(claim: $0, source: $1, slots: $2) })
        let verdict = verifier.verify([sentence], passages: evidence)[0]
        #expect(verdict.support == expected)
        #expect(!scorer.asked.isEmpty && scorer.asked.allSatisfy { $0.slots.contains { $0.word == "8.8%" } })
        let step = verdict.trace?.last
        #expect(step?.rule == .counterfactual && step?.passed == (expected == .supported))
    }
    // A sentence that fails an earlier rule is not scored at all.
    let scorer = ScriptedScorer(margin: -5)
    let verifier = Verifier(counterfactual: { try scorer.counterfactual(claim: $0, source: $1, slots: $2) })
    let wrongNumber = verifier.verify([AnswerSentence(text: "Retention occurred in 31.0% of women given tamsulosin.", citations: [1])],
                                      passages: evidence)[0]
    #expect(wrongNumber.support == .unsupported && scorer.asked.isEmpty)
}

@Test("Side slots: each source word before \"than\" is tried against the first source word after it")
func counterfactualSideSlots() {
    let source = "At baseline, the responder group had lower miR-122-5p than the non-responder group."
    let swapped = "At baseline, the non-responder group had lower miR-122-5p than the responder group."
    let sides = Counterfactual.slots(in: swapped, source: source, sides: true).filter { $0.kind == .side }
    #expect(sides.map(\.word) == ["baseline", "non-responder", "miR-122-5p"])
    #expect(sides.allSatisfy { $0.alternatives == ["responder"] })
    // Off by default; nothing without a comparison, or when the other side is not in the source.
    #expect(!Counterfactual.slots(in: swapped, source: source).contains { $0.kind == .side })
    #expect(Counterfactual.slots(in: "The responder group had lower miR-122-5p.", source: source, sides: true)
        .allSatisfy { $0.kind != .side })
    #expect(Counterfactual.slots(in: "Responders did better than controls.", source: source, sides: true)
        .allSatisfy { $0.kind != .side })
}
