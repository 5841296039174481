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
    /// Approximate: the query against each row's 2-bit codes (fast scan: `pshufb` nibble tables over 32-row
    /// blocks), then exact rescoring of a shortlist (certified int8, then fp32).
    case binary
    /// `binary` on large unfiltered matrices (at least `DenseMethod.binaryMinimumRows` rows), `exact` otherwise.
    case auto

    /// The smallest matrix on which `auto` takes the binary pass.
    public static let binaryMinimumRows = 50_000
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
        var method = parameters.method
        if method == .auto { method = mask == nil && rows >= DenseMethod.binaryMinimumRows ? .binary : .exact }
        switch method {
        case .auto, .blas: return searchBLAS(query, k: parameters.k, mask: mask)
        case .exact: return searchExact(query, k: parameters.k, mask: mask, threads: parameters.threads)
        case .binary:
            // Measured on uniform random unit vectors (the worst case): recall@10 1.0 at 0.5 % of 100k rows
            // and 0.998 at 0.1 % of 1M; the share needed shrinks as the matrix grows.
            let auto = max(parameters.k * 50, rows / 400)
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
        // Pass 1: each row's 2-bit codes against the query's nibble tables (fast scan, 32 rows per block).
        let nbytes = layout.codeBytes, nblocks = layout.blockCount
        var lut = [UInt8](repeating: 0, count: 2 * nbytes * 16)
        _ = query.withUnsafeBufferPointer { cited_fastscan_lut($0.baseAddress, dims, levels, &lut) }
        let scores = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: nblocks * 32)
        defer { scores.deallocate() }
        let blocks = self.blocks
        lut.withUnsafeBufferPointer { table in
            parallelBlocks(nblocks, threads: threads) { start, end in
                cited_fastscan_scan(blocks + start * nbytes * 32, end - start, nbytes, table.baseAddress,
                                    scores.baseAddress! + start * 32)
            }
        }
        // Pass 2: the rows at or above the score that about `shortlist` rows reach, rescored exactly.
        let n = rows
        let want = max(shortlist, k)
        if let mask { for i in 0..<n where !mask.contains(i) { scores[i] = 0 } }
        let bar = cited_u16_threshold(scores.baseAddress, n, want, mask == nil ? 32768 : n)
        let picked = UnsafeMutableBufferPointer<Int64>.allocate(capacity: n)
        defer { picked.deallocate() }
        let count = cited_select_u16(scores.baseAddress, n, bar, picked.baseAddress)
        var list = Array(picked[0..<count])
        if let mask { list.removeAll { !mask.contains(Int($0)) } }
        return rescoreCertified(query, rows: list, k: k)
    }

    /// Runs `body(start, end)` over block ranges on `threads` threads.
    func parallelBlocks(_ blocks: Int, threads: Int, _ body: (Int, Int) -> Void) {
        let parts = blocks < 256 ? 1 : threads
        if parts == 1 { body(0, blocks); return }
        let step = (blocks + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let start = p * step
            let end = min(blocks, start + step)
            if start < end { body(start, end) }
        }
    }

    /// Exact top-k of the listed rows: int8 dots with error bounds, then fp32 for rows that may make the cut.
    func rescoreCertified(_ query: [Float], rows ids: [Int64], k: Int) -> [ScoredRow] {
        let list = ids.map { Int($0) }
        guard list.count > 4 * k else { return rescore(query, rows: list, k: k) }
        var codes = [Int8](repeating: 0, count: dims)
        var queryError: Float = 0
        let queryScale = query.withUnsafeBufferPointer { cited_quantize_query_i8($0.baseAddress, dims, &codes, &queryError) }
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
