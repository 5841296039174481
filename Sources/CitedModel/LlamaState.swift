import CCitedKernels

/// Receives a named intermediate tensor (row-major, tokens × width) during a forward pass.
public typealias ActivationObserver = (String, UnsafeBufferPointer<Float>) -> Void

/// Which logits a forward pass computes.
enum LogitRows {
    /// None (a prompt chunk before the last).
    case none
    /// The last token's (prefill, or one decode step).
    case last
    /// Every token's, each rounded as a one-token decode step would round it (at most `LlamaState.stepRows`
    /// tokens): the check of drafted tokens in one pass.
    case each
}

/// KV cache and scratch buffers of one model, and the forward pass over a batch of tokens.
final class LlamaState {
    /// The most tokens a `.each` pass takes. Below 4 tokens every matmul takes the kernels of one token
    /// (`cq_kernel_for`: Q4_K's GEMM from 4 rows, Q6_K's tiles from 8), and attention runs token by token.
    static let stepRows = 3
    let c: LlamaConfiguration
    let w: LlamaWeights
    let context: Int
    let maxBatch: Int
    // (layers, kvHeads, context, headDim) f16
    let keys: UnsafeMutablePointer<UInt16>
    let values: UnsafeMutablePointer<UInt16>
    let headStride: Int
    // (maxBatch, dim) and friends, f32
    let x, xn, q, k, v, att, gate, up: UnsafeMutablePointer<Float>
    /// The last token's logits (the first row of `rowLogits`).
    let logits: UnsafeMutableBufferPointer<Float>
    /// `stepRows` rows of logits, one per token of a `.each` pass.
    let rowLogits: UnsafeMutableBufferPointer<Float>
    let attScratch: UnsafeMutablePointer<Float>
    /// One activation buffer per activation type (ggml ids 0...15 and 30 folded into slots).
    let actBuffers: [UnsafeMutableRawPointer]
    var actStamp: [Int]
    var stamp = 0
    /// Sees intermediate activations (llama.cpp's tensor names) for golden comparisons; nil in normal use.
    var observer: ActivationObserver?

    init(config: LlamaConfiguration, weights: LlamaWeights, context: Int, maxBatch: Int) {
        c = config
        w = weights
        self.context = context
        self.maxBatch = maxBatch
        headStride = context * config.headDimension
        let cache = config.layers * config.kvHeads * headStride
        keys = .allocate(capacity: cache)
        values = .allocate(capacity: cache)
        let qd = config.heads * config.headDimension, kvd = config.kvHeads * config.headDimension
        func buf(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        x = buf(maxBatch * config.dimension)
        xn = buf(maxBatch * max(config.dimension, qd))
        q = buf(maxBatch * qd)
        k = buf(maxBatch * kvd)
        v = buf(maxBatch * kvd)
        att = buf(maxBatch * qd)
        gate = buf(maxBatch * config.feedForward)
        up = buf(maxBatch * config.feedForward)
        rowLogits = UnsafeMutableBufferPointer(start: buf(Self.stepRows * config.vocabularySize),
                                               count: Self.stepRows * config.vocabularySize)
        logits = UnsafeMutableBufferPointer(rebasing: rowLogits[0..<config.vocabularySize])
        attScratch = buf(16 * Int(cq_attention_scratch_row(Int64(context))))
        let widest = max(config.dimension, qd, config.feedForward)
        actBuffers = (0..<Self.slotCount).map { _ in
            UnsafeMutableRawPointer.allocate(byteCount: maxBatch * widest * 4 + 64, alignment: 64)
        }
        actStamp = Array(repeating: -1, count: Self.slotCount)
    }

    deinit {
        keys.deallocate(); values.deallocate()
        for p in [x, xn, q, k, v, att, gate, up, attScratch] { p.deallocate() }
        rowLogits.baseAddress?.deallocate()
        for b in actBuffers { b.deallocate() }
    }

    static let slotCount = 6

    static func slot(_ actType: Int32) -> Int {
        switch actType {
        case 0: 0
        case 1: 1
        case 30: 2
        case 8: 3
        case 9: 4
        default: 5
        }
    }

    /// `y = W x` for `n` rows of `src`, quantizing `src` once per activation type until `stamp` changes.
    @inline(__always)
    func matmul(_ m: QuantizedMatrix, _ src: UnsafeMutablePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>) {
        let buffer = activation(for: m, src, n)
        cq_matmul(Int32(m.type.rawValue), m.data, Int64(m.rows), Int64(m.columns), buffer, Int64(n), out, Int64(m.rows))
    }

    /// The activation of `src` (n rows) in the format `m` takes, quantized once per `stamp`.
    @inline(__always)
    func activation(for m: QuantizedMatrix, _ src: UnsafeMutablePointer<Float>, _ n: Int) -> UnsafeMutableRawPointer {
        let wtype = Int32(m.type.rawValue)
        let s = Self.slot(m.activationType)
        let buffer = actBuffers[s]
        let rowBytes = cq_act_row_bytes(wtype, Int64(m.columns))
        if actStamp[s] != stamp {
            for t in 0..<n {
                cq_quantize_act(wtype, src + t * m.columns, buffer + t * rowBytes, Int64(m.columns))
            }
            actStamp[s] = stamp
        }
        return buffer
    }

    /// Two or three matmuls of the same `src` (Q/K/V, gate/up) in one parallel region.
    @inline(__always)
    func matmuls(_ src: UnsafeMutablePointer<Float>, _ n: Int,
                 _ jobs: (QuantizedMatrix, UnsafeMutablePointer<Float>)...) {
        withUnsafeTemporaryAllocation(of: cq_matmul_job.self, capacity: jobs.count) { buf in
            for (i, (m, out)) in jobs.enumerated() {
                buf[i] = cq_matmul_job(wtype: Int32(m.type.rawValue), w: m.data, rows: Int64(m.rows), cols: Int64(m.columns),
                                       act: activation(for: m, src, n), ntok: Int64(n), out: out, out_stride: Int64(m.rows))
            }
            cq_matmul_batch(buf.baseAddress!, Int32(jobs.count))
        }
    }

    @inline(__always)
    func observe(_ name: String, _ layer: Int, _ p: UnsafePointer<Float>, _ count: Int) {
        observer?(layer < 0 ? name : "\(name)-\(layer)", UnsafeBufferPointer(start: p, count: count))
    }

    /// Runs `tokens` at positions `pos...`; fills `logits` for the last token, or `rowLogits` for each, as asked.
    func run(_ tokens: UnsafeBufferPointer<Int32>, at pos: Int, logitRows: LogitRows) {
        let n = tokens.count
        let each = logitRows == .each
        precondition(!each || n <= Self.stepRows, "a pass rounded as decode steps takes at most \(Self.stepRows) tokens")
        let d = c.dimension, hd = c.headDimension
        let qd = c.heads * hd, kvd = c.kvHeads * hd, ff = c.feedForward
        let embType = Int32(w.embedding.type.rawValue)
        let embRow = cq_row_bytes(embType, Int64(d))
        for (i, t) in tokens.enumerated() {
            cq_dequantize_row(embType, w.embedding.data + Int(t) * embRow, x + i * d, Int64(d))
        }
        let scale = 1 / Float(hd).squareRoot()
        for (li, layer) in w.layers.enumerated() {
            observe("inp", li, x, n * d)
            for i in 0..<n { cq_rms_norm(x + i * d, layer.attentionNorm, xn + i * d, Int64(d), c.rmsEpsilon) }
            observe("attn_norm", li, xn, n * d)
            stamp &+= 1
            matmuls(xn, n, (layer.wq, q), (layer.wk, k), (layer.wv, v))
            if let bq = layer.bq, let bk = layer.bk, let bv = layer.bv {
                for i in 0..<n {
                    Self.add(q + i * qd, bq, qd)
                    Self.add(k + i * kvd, bk, kvd)
                    Self.add(v + i * kvd, bv, kvd)
                }
            }
            observe("Qcur", li, q, n * qd)
            observe("Kcur", li, k, n * kvd)
            observe("Vcur", li, v, n * kvd)
            let neox: Int32 = c.neoxRoPE ? 1 : 0
            cq_rope(q, Int64(n), Int32(c.heads), Int32(hd), Int32(c.ropeDimensions), Int64(pos), c.ropeBase, neox)
            cq_rope(k, Int64(n), Int32(c.kvHeads), Int32(hd), Int32(c.ropeDimensions), Int64(pos), c.ropeBase, neox)
            observe("Qrope", li, q, n * qd)
            observe("Krope", li, k, n * kvd)
            let layerOffset = li * c.kvHeads * headStride
            cq_store_kv(k, Int64(n), Int32(c.kvHeads), Int32(hd), keys + layerOffset, Int64(headStride), Int64(pos))
            cq_store_kv(v, Int64(n), Int32(c.kvHeads), Int32(hd), values + layerOffset, Int64(headStride), Int64(pos))
            // Each token on its own when rounded as decode steps (llama.cpp sums one query in other lanes).
            let span = each ? 1 : n
            for first in stride(from: 0, to: n, by: span) {
                cq_attention(q + first * qd, Int64(span), Int32(c.heads), Int32(c.kvHeads), Int32(hd), keys + layerOffset,
                             values + layerOffset, Int64(headStride), Int64(pos + first), scale, att + first * qd, attScratch)
            }
            observe("kqv_out", li, att, n * qd)
            stamp &+= 1
            matmul(layer.wo, att, n, xn)
            observe("attn_out", li, xn, n * d)
            // As llama.cpp: the last layer's feed-forward runs only for the rows whose logits are wanted
            // (none, the last token, or each); the kernels it then takes round like one-token ones.
            var m = n
            if li == w.layers.count - 1 && !each {
                guard logitRows == .last else { return }
                if n > 1 {
                    (x + 0).update(from: x + (n - 1) * d, count: d)
                    (xn + 0).update(from: xn + (n - 1) * d, count: d)
                }
                m = 1
            }
            Self.add(x, xn, m * d)
            observe("ffn_inp", li, x, m * d)
            for i in 0..<m { cq_rms_norm(x + i * d, layer.ffnNorm, xn + i * d, Int64(d), c.rmsEpsilon) }
            observe("ffn_norm", li, xn, m * d)
            stamp &+= 1
            matmuls(xn, m, (layer.gate, gate), (layer.up, up))
            observe("ffn_gate", li, gate, m * ff)
            observe("ffn_up", li, up, m * ff)
            cq_swiglu(gate, up, gate, Int64(m), Int64(ff))
            observe("ffn_swiglu", li, gate, m * ff)
            stamp &+= 1
            matmul(layer.down, gate, m, xn)
            observe("ffn_out", li, xn, m * d)
            Self.add(x, xn, m * d)
            observe("l_out", li, x, m * d)
        }
        // the last layer left the wanted rows at the top
        let m = each ? n : 1
        for i in 0..<m { cq_rms_norm(x + i * d, w.outputNorm, xn + i * d, Int64(d), c.rmsEpsilon) }
        observe("result_norm", -1, xn, m * d)
        stamp &+= 1
        matmul(w.output, xn, m, rowLogits.baseAddress!)
    }

    @inline(__always)
    static func add(_ y: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += b[i] }
    }
}
