import CBLAS
import CCitedKernels
import Dispatch

/// How a dense search scans the matrix.
public enum DenseMethod: String, CaseIterable, Sendable {
    /// Every row scored in fp32 by one `sgemv`, then a bounded heap: the plain reference.
    case blas
    /// Exact top-k, certified: an int8 pass with a per-row error bound, then fp32 rescoring of every row
    /// whose upper bound reaches the k-th best lower bound. Same results as `blas`, a quarter of the bytes.
    case exact
    /// Approximate: the fp32 query against each row's sign bits (byte lookup tables), then exact rescoring of a
    /// shortlist (certified int8, then fp32).
    case binary
}

/// Parameters of one dense search.
public struct DenseSearchParameters: Sendable {
    public var k: Int
    public var method: DenseMethod
    /// Rows kept by the binary pass before rescoring (0: automatic, a share of the matrix).
    public var shortlist: Int
    /// Row-parallel threads for the int8 and binary passes.
    public var threads: Int

    public init(k: Int = 10, method: DenseMethod = .exact, shortlist: Int = 0, threads: Int = 2) {
        self.k = k
        self.method = method
        self.shortlist = shortlist
        self.threads = max(1, threads)
    }
}

extension SearchMatrix {
    /// The best `parameters.k` rows for a unit `query`, skipping rows outside `mask`; best first.
    public func search(_ query: [Float], parameters: DenseSearchParameters, mask: RowMask? = nil) -> [ScoredRow] {
        precondition(query.count == dims, "query has \(query.count) dimensions, the index \(dims)")
        guard rows > 0, parameters.k > 0 else { return [] }
        switch parameters.method {
        case .blas: return searchBLAS(query, k: parameters.k, mask: mask)
        case .exact: return searchExact(query, k: parameters.k, mask: mask, threads: parameters.threads)
        case .binary:
            let auto = max(parameters.k * 40, rows / 20, 200)
            let list = parameters.shortlist > 0 ? parameters.shortlist : auto
            return searchBinary(query, k: parameters.k, shortlist: list, mask: mask, threads: parameters.threads)
        }
    }

    /// fp32 scores of every row: `out = vectors · query` by one `sgemv`.
    public func scoreAll(_ query: [Float], into out: UnsafeMutablePointer<Float>) {
        query.withUnsafeBufferPointer { q in
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(dims), 1, vectors, Int32(dims),
                        q.baseAddress, 1, 0, out, 1)
        }
    }

    func searchBLAS(_ query: [Float], k: Int, mask: RowMask?) -> [ScoredRow] {
        let scores = UnsafeMutableBufferPointer<Float>.allocate(capacity: rows)
        defer { scores.deallocate() }
        scoreAll(query, into: scores.baseAddress!)
        return SearchSelect.topK(UnsafeBufferPointer(scores), k: k, mask: mask)
    }

    /// Runs `body(start, end)` over row ranges on `threads` threads.
    func parallelRows(threads: Int, _ body: (Int, Int) -> Void) {
        let parts = rows < 8192 ? 1 : threads
        if parts == 1 { body(0, rows); return }
        let step = (rows + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let start = p * step
            let end = min(rows, start + step)
            if start < end { body(start, end) }
        }
    }

    /// Exact scores of the listed rows in fp32.
    func rescore(_ query: [Float], rows list: [Int], k: Int) -> [ScoredRow] {
        guard !list.isEmpty else { return [] }
        var scores = [Float](repeating: 0, count: list.count)
        let ids = list.map { Int64($0) }
        query.withUnsafeBufferPointer { q in
            cited_dot_f32_gather(vectors, dims, ids, ids.count, q.baseAddress, &scores)
        }
        var heap = TopK(capacity: k)
        for (i, row) in list.enumerated() { heap.push(row: row, score: scores[i]) }
        return heap.sorted()
    }

    func searchExact(_ query: [Float], k: Int, mask: RowMask?, threads: Int) -> [ScoredRow] {
        var codes = [Int8](repeating: 0, count: dims)
        var queryError: Float = 0
        let queryScale = query.withUnsafeBufferPointer { cited_quantize_query_i8($0.baseAddress, dims, &codes, &queryError) }
        let dots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        defer { dots.deallocate() }
        let codesBase = self.codes
        let width = dims
        codes.withUnsafeBufferPointer { q in
            parallelRows(threads: threads) { start, end in
                cited_dot_u8i8_rows(codesBase + start * width, end - start, width, q.baseAddress, dots.baseAddress! + start)
            }
        }
        // |true − approx| ≤ ‖row error‖·‖query‖ + ‖dequantized row‖·‖query error‖, plus fp32 slack.
        let slack: Float = 1e-4
        let n = rows
        let scale = self.scale, resid = self.resid, qnorm = self.qnorm
        var lower = TopK(capacity: k)
        var bar = lower.threshold
        for i in 0..<n where mask?.contains(i) ?? true {
            let approx = scale[i] * queryScale * Float(dots[i])
            let low = approx - (resid[i] + qnorm[i] * queryError + slack)
            if low >= bar {
                lower.push(row: i, score: low)
                bar = lower.threshold
            }
        }
        guard lower.count > 0 else { return [] }
        let tau = lower.count < k ? -Float.infinity : bar
        var candidates: [Int] = []
        candidates.reserveCapacity(4 * k)
        for i in 0..<n where mask?.contains(i) ?? true {
            let approx = scale[i] * queryScale * Float(dots[i])
            if approx + resid[i] + qnorm[i] * queryError + slack >= tau { candidates.append(i) }
        }
        return rescore(query, rows: candidates, k: k)
    }

    func searchBinary(_ query: [Float], k: Int, shortlist: Int, mask: RowMask?, threads: Int) -> [ScoredRow] {
        // Pass 1: the query's dot product with each row's sign bits, by one table lookup per byte of bits.
        // lut[b][v] = Σ x_j over the set bits t of v, j = 8b + t, scaled into Int16.
        let words = layout.words
        let nbytes = words * 8
        var bound: Float = 0
        for b in 0..<nbytes {
            var s: Float = 0
            for t in 0..<8 where 8 * b + t < dims { s += abs(query[8 * b + t]) }
            bound = max(bound, s)
        }
        let scale = bound > 0 ? 16000 / bound : 1
        var lut = [Int16](repeating: 0, count: nbytes * 256)
        for b in 0..<nbytes {
            var partial = [Float](repeating: 0, count: 256)
            for v in 1..<256 {
                let t = v.trailingZeroBitCount
                let j = 8 * b + t
                partial[v] = partial[v & (v - 1)] + (j < dims ? query[j] : 0)
                lut[b * 256 + v] = Int16((partial[v] * scale).rounded())
            }
        }
        let scores = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rows)
        defer { scores.deallocate() }
        let bytes = UnsafeRawPointer(self.bits).assumingMemoryBound(to: UInt8.self)
        lut.withUnsafeBufferPointer { table in
            parallelRows(threads: threads) { start, end in
                cited_lut8_rows(bytes + start * nbytes, end - start, nbytes, table.baseAddress, scores.baseAddress! + start)
            }
        }
        let list = SearchSelect.shortlist(UnsafeBufferPointer(scores), count: max(shortlist, k), mask: mask)
        return rescoreCertified(query, rows: list, k: k)
    }

    /// Exact top-k of the listed rows: int8 dots with error bounds, then fp32 for rows that may make the cut.
    func rescoreCertified(_ query: [Float], rows list: [Int], k: Int) -> [ScoredRow] {
        guard list.count > 4 * k else { return rescore(query, rows: list, k: k) }
        var codes = [Int8](repeating: 0, count: dims)
        var queryError: Float = 0
        let queryScale = query.withUnsafeBufferPointer { cited_quantize_query_i8($0.baseAddress, dims, &codes, &queryError) }
        let ids = list.map { Int64($0) }
        var dots = [Int32](repeating: 0, count: ids.count)
        cited_dot_u8i8_gather(self.codes, dims, ids, ids.count, codes, &dots)
        let slack: Float = 1e-4
        var approx = [Float](repeating: 0, count: ids.count)
        var margin = [Float](repeating: 0, count: ids.count)
        var lower = TopK(capacity: k)
        for (n, row) in list.enumerated() {
            approx[n] = scale[row] * queryScale * Float(dots[n])
            margin[n] = resid[row] + qnorm[row] * queryError + slack
            lower.push(row: row, score: approx[n] - margin[n])
        }
        let tau = lower.count < k ? -Float.infinity : lower.threshold
        var candidates: [Int] = []
        for (n, row) in list.enumerated() where approx[n] + margin[n] >= tau { candidates.append(row) }
        return rescore(query, rows: candidates, k: k)
    }
}
