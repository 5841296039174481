import Testing
@testable import CitedKernels

@Suite("Bounded top-k heap and selections")
struct SearchTopKTests {
    /// The reference: sort everything, best score first, then lowest row.
    static func reference(_ scores: [Float], k: Int, allowed: (Int) -> Bool = { _ in true }) -> [ScoredRow] {
        let all = scores.enumerated().filter { allowed($0.offset) }.map { ScoredRow(row: $0.offset, score: $0.element) }
        return Array(all.sorted { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }.prefix(k))
    }

    @Test("heap keeps the k best, ties by lowest row", arguments: [0, 1, 2, 5, 10, 97, 500])
    func heapMatchesSort(k: Int) {
        var rng = SplitMix(state: UInt64(k + 1))
        // Few distinct values so that ties are common.
        let scores = (0..<333).map { _ in Float(rng.next() % 17) / 4 }
        let got = scores.withUnsafeBufferPointer { SearchSelect.topK($0, k: k) }
        #expect(got == Self.reference(scores, k: k))
    }

    @Test("mask removes rows before the cut")
    func masked() {
        var rng = SplitMix(state: 3)
        let scores = (0..<1001).map { _ in rng.uniform() }
        var mask = RowMask(rows: scores.count, allowed: false)
        for i in stride(from: 0, to: scores.count, by: 3) { mask.insert(i) }
        #expect(mask.count == 334)
        let got = scores.withUnsafeBufferPointer { SearchSelect.topK($0, k: 10, mask: mask) }
        #expect(got == Self.reference(scores, k: 10) { $0 % 3 == 0 })
    }

    @Test("shortlist keeps at least the requested best integer scores")
    func shortlist() {
        var rng = SplitMix(state: 5)
        let scores = (0..<777).map { _ in Int32(rng.next() % 200) - 50 }
        let list = scores.withUnsafeBufferPointer { SearchSelect.shortlist($0, count: 40) }
        #expect(list.count >= 40)
        let cut = list.map { scores[$0] }.min()!
        #expect(scores.filter { $0 > cut }.count < 40)
        #expect(list.count == scores.filter { $0 >= cut }.count)
    }
}
