import Testing
@testable import CitedAnswer

/// A toy vocabulary in which each token's text is its entry.
let vocabulary = ["The", " drug", " works", " [", "[", "1", "2", "3", "7", "]", "].", ",", " ", "[3", " [7", "x", "`", "a", "0", "```"]

func allowedAfter(_ text: [String], passages: Set<Int>) -> Set<String> {
    let constraint = CitationConstraint(tokenTexts: vocabulary, allowed: passages)
    let generated = text.map { Int32(vocabulary.firstIndex(of: $0)!) }
    var logits = [Float](repeating: 0, count: vocabulary.count)
    logits.withUnsafeMutableBufferPointer { constraint.apply($0, generated: generated) }
    return Set(vocabulary.indices.filter { logits[$0] > -.infinity }.map { vocabulary[$0] })
}

@Test("Inside a marker only the given passages' numbers and a closing bracket may follow")
func insideMarker() {
    let allowed = allowedAfter(["The", " drug", " works", " [", "1"], passages: [1, 2, 3])
    #expect(allowed.contains("]") && allowed.contains("].") && allowed.contains(","))
    #expect(!allowed.contains("7") && !allowed.contains("x") && !allowed.contains("The"))
    // "1" may grow into "12" only if there is a passage 12.
    #expect(!allowed.contains("2"))
    #expect(allowedAfter([" [", "1"], passages: [1, 12]).contains("2"))
}

@Test("A token that opens a marker with a number not given is banned")
func openers() {
    let allowed = allowedAfter(["The", " works"], passages: [1, 2, 3])
    #expect(allowed.contains("[3"))
    #expect(!allowed.contains(" [7"))
}

@Test("After the marker closes, and inside code, the text is free")
func freeText() {
    #expect(allowedAfter([" [", "1", "]"], passages: [1]).contains("x"))
    #expect(allowedAfter(["`", "a", "[", "0"], passages: [1]).contains("x"))
    #expect(allowedAfter(["a", "[", "7"], passages: [1]).contains("]"))  // a[7] is code, not a citation
}

@Test("Right after an opening bracket a number must be a given passage's")
func afterOpening() {
    let allowed = allowedAfter(["The", " works", " ["], passages: [1, 2])
    #expect(allowed.contains("1") && allowed.contains("2"))
    #expect(!allowed.contains("7") && !allowed.contains("3"))
    #expect(allowed.contains("x"))
}

@Test("With strong evidence the sentinel cannot open the answer; later, and otherwise, nothing is banned for it")
func sentinelBan() {
    let words = ["NOT", " NOT", "N", "No", "Not", " IN", "The", "NOT IN SOURCES"]
    func open(forbid: Bool, after: [Int32]) -> Set<String> {
        let constraint = CitationConstraint(tokenTexts: words, allowed: [1], forbidSentinel: forbid)
        var logits = [Float](repeating: 0, count: words.count)
        logits.withUnsafeMutableBufferPointer { constraint.apply($0, generated: after) }
        return Set(words.indices.filter { logits[$0] > -.infinity }.map { words[$0] })
    }
    // "Not IN SOURCES" is the sentinel too; "No, …" opens an answer.
    #expect(open(forbid: true, after: []) == ["No", " IN", "The"])
    #expect(open(forbid: true, after: [6]) == Set(words))
    #expect(open(forbid: false, after: []) == Set(words))
}

@Test("A marker right after another ([2][3]) is constrained too")
func adjacentMarkers() {
    #expect(!allowedAfter([" [", "2", "]"], passages: [1, 2]).contains("[3"))
    #expect(allowedAfter([" [", "2", "]"], passages: [1, 2, 3]).contains("[3"))
}

@Test("An answer cannot open with a marker, a quote mark, blank text (an echo of the sources) or a code fence")
func firstToken() {
    let first = allowedAfter([], passages: [1, 2, 3])
    #expect(first.contains("The") && first.contains("a") && first.contains("`"))
    #expect(!first.contains("[") && !first.contains(" [") && !first.contains("[3") && !first.contains(" "))
    #expect(!first.contains("```"))
    // Later, markers are fine again.
    #expect(allowedAfter(["The"], passages: [1, 2, 3]).contains(" ["))
}
