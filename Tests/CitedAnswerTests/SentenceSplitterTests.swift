import Testing
@testable import CitedAnswer

@Test("Markers before or after the full stop attach to their sentence")
func markersAttach() {
    let sentences = SentenceSplitter.split(
        "Vitamin K2 reduced fractures [1]. The dose was 45 mg/day. [2][3] It was well tolerated [1, 3].")
    #expect(sentences.map(\.text) == ["Vitamin K2 reduced fractures.", "The dose was 45 mg/day.", "It was well tolerated."])
    #expect(sentences.map(\.citations) == [[1], [2, 3], [1, 3]])
}

@Test("Abbreviations, decimals and code do not end sentences")
func noFalseBreaks() {
    let sentences = SentenceSplitter.split(
        "Smith et al. found a 2.5-fold rise, e.g. in IL-6 [2]. Use functools.lru_cache(maxsize=None) here [1].")
    #expect(sentences.count == 2)
    #expect(sentences[0].citations == [2])
    #expect(sentences[1].text == "Use functools.lru_cache(maxsize=None) here.")
}

@Test("Ranges, uncited sentences and text that only looks like a marker")
func rangesAndPlainBrackets() {
    let sentences = SentenceSplitter.split("See sources [2-4]. Lists use a[0] indexing. No citation here")
    #expect(sentences.map(\.citations) == [[2, 3, 4], [], []])
    #expect(sentences[1].text == "Lists use a[0] indexing.")
    #expect(SentenceSplitter.split("").isEmpty)
    #expect(SentenceSplitter.split("[1]").isEmpty)
}

@Test("List ordinals, bullets and copied source headers are layout, not sentences")
func listMarkup() {
    let answer = """
        1.
        [1] "Efficacy of Neratinib Plus Capecitabine in the Subgroup…" (2021):
         - Neratinib plus capecitabine improved progression-free survival [1].
        2. Median PFS was 7.8 versus 5.5 months [2].
        * Use `heapq.nsmallest(3, data)` [3].
        """
    let sentences = SentenceSplitter.split(SentenceSplitter.withoutListMarkup(answer))
    #expect(sentences.map(\.text) == ["Neratinib plus capecitabine improved progression-free survival.",
                                      "Median PFS was 7.8 versus 5.5 months.", "Use `heapq.nsmallest(3, data)`."])
    #expect(sentences.map(\.citations) == [[1], [2], [3]])
    // Numbers that open a sentence are not ordinals.
    #expect(SentenceSplitter.withoutListMarkup("3.5 mg was given. 12 patients relapsed.") == "3.5 mg was given. 12 patients relapsed.")
}

@Test("A sentence cut off mid-way keeps its last whole clause, or is unfinished")
func unfinishedSentences() {
    let cut = "Doses were lower: pazopanib, 300 mg vs. 600 mg (p < 0.001); fewer doses of CPI, 76% vs. 55% vs."
    #expect(SentenceSplitter.finishedPart(of: cut) == "Doses were lower: pazopanib, 300 mg vs. 600 mg (p < 0.001).")
    #expect(SentenceSplitter.isUnfinished("Of 621 patients enrolled, 101 ("))
    #expect(SentenceSplitter.finishedPart(of: "Of 621 patients enrolled, 101 (") == "Of 621 patients enrolled, 101 (")
    #expect(!SentenceSplitter.isUnfinished("Relapse was lower with drug Q (20% vs. 41%)."))
    #expect(!SentenceSplitter.isUnfinished("Use `functools.lru_cache(maxsize=128)` for memoisation."))
    #expect(SentenceSplitter.isUnfinished("In multivariable analysis, tumor size <3cm, listing AFP <"))
    #expect(SentenceSplitter.isUnfinished("Survival was longer with surgery than"))
    #expect(!SentenceSplitter.isUnfinished("Survival was longer with surgery than with radiotherapy."))
    // Stopped mid-sentence on a plain word; a code span or a figure may close a sentence without a period.
    #expect(SentenceSplitter.isUnfinished("Survival was not different in patients experiencing"))
    #expect(!SentenceSplitter.isUnfinished("Use `rref`"))
    #expect(!SentenceSplitter.isUnfinished("The default precision is 28"))
}

@Test("The model's talk about its answer or its sources is not part of the statement")
func preambles() {
    #expect(SentenceSplitter.withoutPreamble("The answer states that older patients had lower doses.") == "Older patients had lower doses.")
    #expect(SentenceSplitter.withoutPreamble("According to the excerpt [2], `rref` returns a tuple.") == "`rref` returns a tuple.")
    #expect(SentenceSplitter.withoutPreamble("In the records, mortality was 5%.") == "Mortality was 5%.")
    // A statement about answers or records is left as it is.
    #expect(SentenceSplitter.withoutPreamble("The answer key lists 12 items.") == "The answer key lists 12 items.")
    #expect(SentenceSplitter.withoutPreamble("Records were kept for 5 years.") == "Records were kept for 5 years.")
}
