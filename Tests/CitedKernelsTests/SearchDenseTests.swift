import Testing
@testable import CitedKernels

@Suite("Dense search methods")
struct SearchDenseTests {
    /// Plain-loop exact top-k.
    static func reference(_ v: [Float], dims: Int, query: [Float], k: Int, allowed: (Int) -> Bool = { _ in true }) -> [Int] {
        let rows = v.count / dims
        var scored: [(Int, Float)] = []
        for i in 0..<rows where allowed(i) {
            var s: Float = 0
            for j in 0..<dims { s += v[i * dims + j] * query[j] }
            scored.append((i, s))
        }
        return scored.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(k).map(\.0)
    }

    @Test("blas and certified int8 equal the plain loop", arguments: [(1003, 384), (257, 37), (9000, 64), (5, 384)])
    func exactMethods(shape: (Int, Int)) {
        let (rows, dims) = shape
        var rng = SplitMix(state: UInt64(rows))
        let v = rng.unitRows(rows, dims)
        let matrix = SearchMatrix(vectors: v, dims: dims)
        for q in 0..<8 {
            // Half the queries are perturbed rows, so that a clear nearest neighbour exists.
            var query = rng.unitRows(1, dims)
            if q % 2 == 0 {
                let base = Int(rng.next() % UInt64(rows))
                query = (0..<dims).map { v[base * dims + $0] + 0.3 * query[$0] }
                let norm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
                query = query.map { $0 / norm }
            }
            let want = Self.reference(v, dims: dims, query: query, k: 10)
            for method in [DenseMethod.blas, .exact] {
                let got = matrix.search(query, parameters: .init(k: 10, method: method, threads: 2))
                #expect(got.map(\.row) == want, "\(method) query \(q)")
            }
        }
    }

    @Test("filters apply before the cut")
    func masked() {
        var rng = SplitMix(state: 99)
        let v = rng.unitRows(2000, 48)
        let matrix = SearchMatrix(vectors: v, dims: 48)
        var mask = RowMask(rows: 2000, allowed: true)
        for i in 0..<2000 where i % 5 != 0 { mask.remove(i) }
        let query = rng.unitRows(1, 48)
        let want = Self.reference(v, dims: 48, query: query, k: 7) { $0 % 5 == 0 }
        for method in DenseMethod.allCases {
            let got = matrix.search(query, parameters: .init(k: 7, method: method, shortlist: 400), mask: mask)
            if method == .binary {
                #expect(Set(got.map(\.row)).intersection(want).count >= 6)
                #expect(got.allSatisfy { $0.row % 5 == 0 })
            } else {
                #expect(got.map(\.row) == want, "\(method)")
            }
        }
    }

    @Test("binary pass with rescoring keeps recall@10 ≥ 0.99 on uniform random unit vectors")
    func binaryRecall() {
        var rng = SplitMix(state: 2024)
        let rows = 20000, dims = 384
        let v = rng.unitRows(rows, dims)
        let matrix = SearchMatrix(vectors: v, dims: dims)
        var hits = 0, total = 0
        for _ in 0..<20 {
            let query = rng.unitRows(1, dims)
            let exact = Set(matrix.search(query, parameters: .init(k: 10, method: .blas)).map(\.row))
            let approx = matrix.search(query, parameters: .init(k: 10, method: .binary))
            hits += exact.intersection(approx.map(\.row)).count
            total += 10
        }
        #expect(Double(hits) / Double(total) >= 0.99, "recall \(Double(hits) / Double(total))")
    }

    @Test("empty matrix and k = 0 return nothing")
    func edges() {
        let matrix = SearchMatrix(vectors: [], dims: 4)
        #expect(matrix.search([1, 0, 0, 0], parameters: .init(k: 3)).isEmpty)
        let one = SearchMatrix(vectors: [0, 1, 0, 0], dims: 4)
        #expect(one.search([0, 1, 0, 0], parameters: .init(k: 0)).isEmpty)
        #expect(one.search([0, 1, 0, 0], parameters: .init(k: 5, method: .binary)).map(\.row) == [0])
    }
}
