import CitedKernels
import Foundation

extension Bert {
    /// Scratch buffers for one worker, sized for `capacity` tokens; allocated once, reused per batch.
    public final class Scratch {
        public let capacity: Int
        let hidden: UnsafeMutablePointer<Float>       // (capacity, hidden)
        let hiddenNext: UnsafeMutablePointer<Float>   // (capacity, hidden)
        let qkv: UnsafeMutablePointer<Float>          // (capacity, 3·hidden)
        let context: UnsafeMutablePointer<Float>      // (capacity, hidden)
        let intermediate: UnsafeMutablePointer<Float> // (capacity, intermediate)
        let scores: UnsafeMutablePointer<Float>       // (maxLength, maxLength)
        let quantized: UnsafeMutablePointer<Int16>    // (capacity, intermediate): int16 path activations
        let rowScales: UnsafeMutablePointer<Float>    // (capacity)

        public init(configuration c: Configuration, capacity: Int, maxLength: Int) {
            self.capacity = capacity
            func alloc(_ n: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
                p.initialize(repeating: 0, count: n)
                return p
            }
            hidden = alloc(capacity * c.hiddenSize)
            hiddenNext = alloc(capacity * c.hiddenSize)
            qkv = alloc(capacity * 3 * c.hiddenSize)
            context = alloc(capacity * c.hiddenSize)
            intermediate = alloc(capacity * c.intermediateSize)
            scores = alloc(maxLength * maxLength)
            quantized = .allocate(capacity: capacity * max(c.intermediateSize, c.hiddenSize))
            rowScales = alloc(capacity)
        }

        deinit {
            for p in [hidden, hiddenNext, qkv, context, intermediate, scores, rowScales] { p.deallocate() }
            quantized.deallocate()
        }
    }

    /// Arithmetic of the four linear layers of each encoder layer.
    public enum Precision: String, Sendable, CaseIterable {
        /// fp32 OpenBLAS GEMM: the reference.
        case fp32
        /// 11-bit integer weights × 11–16-bit activations on AVX2 `vpmaddwd`, exact int32 sums
        /// (attention products stay fp32). Cosine to fp32 ≥ 0.9999 on the golden set.
        case int16
    }

    /// One layer's linear layers, quantised.
    struct QuantizedLayer {
        let qkv: Dense.QuantizedLinear
        let attentionOutput: Dense.QuantizedLinear
        let intermediate: Dense.QuantizedLinear
        let output: Dense.QuantizedLinear
    }

    /// The encoder forward pass: fp32 on OpenBLAS (the reference path) or with integer linear layers.
    ///
    /// Sequences are packed one after another without padding: dense layers run on all tokens at once
    /// and attention runs per sequence over its own tokens, which is what a padding mask computes.
    public final class Encoder: @unchecked Sendable {
        public let configuration: Configuration
        public let weights: Weights
        public let precision: Precision
        private let quantizedLayers: [QuantizedLayer]
        /// The fp32 path's (3·hidden, hidden) query-key-value matrices, one per layer (empty on the int16 path).
        private let fusedQKV: [Tensor]
        private let zeroBias: [Float]

        /// Falls back to fp32 when the integer kernel does not support the model's sizes.
        public init(configuration c: Configuration, weights: Weights, precision: Precision = .fp32) {
            configuration = c
            self.weights = weights
            let h = c.hiddenSize, i = c.intermediateSize
            let usable = Dense.QuantizedLinear.supports(outputs: 3 * h, inputs: h)
                && Dense.QuantizedLinear.supports(outputs: i, inputs: h) && Dense.QuantizedLinear.supports(outputs: h, inputs: i)
            self.precision = usable ? precision : .fp32
            quantizedLayers = self.precision == .int16 ? weights.layers.map { w in
                QuantizedLayer(qkv: .init(parts: [(w.query.base, h), (w.key.base, h), (w.value.base, h)], inputs: h),
                               attentionOutput: .init(parts: [(w.attentionOutput.base, h)], inputs: h),
                               intermediate: .init(parts: [(w.intermediate.base, i)], inputs: h),
                               output: .init(parts: [(w.output.base, h)], inputs: i))
            } : []
            fusedQKV = self.precision == .fp32 ? weights.layers.map { $0.fusedQKV() } : []
            zeroBias = [Float](repeating: 0, count: max(h, i))
        }

        /// Mean-pooled, L2-normalised vectors of `sequences` (token ids, each ≤ maxPositions) into
        /// `output` `(sequences.count, hidden)`. Total tokens must fit `scratch.capacity`.
        public func embed(_ sequences: ArraySlice<[Int32]>, scratch: Scratch, output: UnsafeMutablePointer<Float>) {
            let c = configuration
            let h = c.hiddenSize
            let total = sequences.reduce(0) { $0 + $1.count }
            precondition(total <= scratch.capacity, "batch of \(total) tokens exceeds scratch capacity")
            var x = scratch.hidden
            var next = scratch.hiddenNext
            embedTokens(sequences, into: x)
            for (l, layer) in weights.layers.enumerated() {
                let q = quantizedLayers.isEmpty ? nil : quantizedLayers[l]
                attention(layer, q, fusedQKV.isEmpty ? nil : fusedQKV[l], sequences, x: x, out: next, scratch: scratch, tokens: total)
                swap(&x, &next)
                feedForward(layer, q, x: x, out: next, scratch: scratch, tokens: total)
                swap(&x, &next)
            }
            var row = 0
            for (s, seq) in sequences.enumerated() {
                let dst = output + s * h
                dst.initialize(repeating: 0, count: h)
                for t in 0..<seq.count {
                    let src = x + (row + t) * h
                    for j in 0..<h { dst[j] += src[j] }
                }
                let inv = 1 / Float(max(seq.count, 1))
                for j in 0..<h { dst[j] *= inv }
                Dense.normalizeL2(dst, count: h)
                row += seq.count
            }
        }

        /// Word + position + token-type-0 embeddings, then LayerNorm. `x` is `(tokens, hidden)`.
        private func embedTokens(_ sequences: ArraySlice<[Int32]>, into x: UnsafeMutablePointer<Float>) {
            let h = configuration.hiddenSize
            weights.wordEmbeddings.withUnsafeBufferPointer { word in
            weights.positionEmbeddings.withUnsafeBufferPointer { pos in
            weights.tokenTypeEmbeddings.withUnsafeBufferPointer { type in
                var row = 0
                for seq in sequences {
                    for (t, id) in seq.enumerated() {
                        let dst = x + row * h
                        let w = word.baseAddress! + Int(id) * h
                        let p = pos.baseAddress! + t * h
                        let ty = type.baseAddress!
                        for j in 0..<h { dst[j] = w[j] + p[j] + ty[j] }
                        row += 1
                    }
                }
                weights.embeddingNormGamma.withUnsafeBufferPointer { g in
                    weights.embeddingNormBeta.withUnsafeBufferPointer { b in
                        Dense.layerNorm(x, bias: nil, residual: nil, gamma: g.baseAddress!, beta: b.baseAddress!,
                                        rows: row, cols: h, epsilon: configuration.layerNormEpsilon)
                    }
                }
            }}}
        }

        /// Self-attention block: `out = LayerNorm(x + Wo·attention(x) + bo)`.
        private func attention(_ w: LayerWeights, _ ql: QuantizedLayer?, _ fused: Tensor?, _ sequences: ArraySlice<[Int32]>, x: UnsafeMutablePointer<Float>,
                               out: UnsafeMutablePointer<Float>, scratch: Scratch, tokens m: Int) {
            let c = configuration
            let h = c.hiddenSize, d = c.headDimension, h3 = 3 * h
            let qkv = scratch.qkv, ctx = scratch.context, scores = scratch.scores
            if let ql {
                w.qkvBias.withUnsafeBufferPointer {
                    ql.qkv.apply(x, rows: m, bias: $0.baseAddress!, into: qkv, quantized: scratch.quantized,
                                 rowScales: scratch.rowScales)
                }
            } else if let fused {
                fused.withUnsafeBufferPointer { wqkv in
                    Dense.matmulTransposed(x, lda: h, wqkv.baseAddress!, ldb: h, qkv, ldc: h3, m: m, n: h3, k: h)
                }
                w.qkvBias.withUnsafeBufferPointer { Dense.addBias(qkv, bias: $0.baseAddress!, rows: m, cols: h3) }
            }
            let scale = 1 / Float(d).squareRoot()
            var row = 0
            for seq in sequences {
                let l = seq.count
                let base = qkv + row * h3
                for head in 0..<c.headCount {
                    let q = base + head * d, k = base + h + head * d, v = base + 2 * h + head * d
                    Dense.matmulTransposed(q, lda: h3, k, ldb: h3, scores, ldc: l, m: l, n: l, k: d)
                    Dense.softmaxRows(scores, rows: l, cols: l, ld: l, scale: scale)
                    Dense.matmul(scores, lda: l, v, ldb: h3, ctx + row * h + head * d, ldc: h, m: l, n: d, k: l)
                }
                row += l
            }
            if let ql {
                ql.attentionOutput.apply(ctx, rows: m, bias: nil, into: out, quantized: scratch.quantized,
                                         rowScales: scratch.rowScales)
            } else {
                w.attentionOutput.withUnsafeBufferPointer { wo in
                    Dense.matmulTransposed(ctx, lda: h, wo.baseAddress!, ldb: h, out, ldc: h, m: m, n: h, k: h)
                }
            }
            w.attentionOutputBias.withUnsafeBufferPointer { b in
            w.attentionNormGamma.withUnsafeBufferPointer { g in
            w.attentionNormBeta.withUnsafeBufferPointer { be in
                Dense.layerNorm(out, bias: b.baseAddress!, residual: x, gamma: g.baseAddress!, beta: be.baseAddress!,
                                rows: m, cols: h, epsilon: c.layerNormEpsilon)
            }}}
        }

        /// Feed-forward block: `out = LayerNorm(x + W2·gelu(W1·x + b1) + b2)`.
        private func feedForward(_ w: LayerWeights, _ ql: QuantizedLayer?, x: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                                 scratch: Scratch, tokens m: Int) {
            let c = configuration
            let h = c.hiddenSize, i = c.intermediateSize
            let mid = scratch.intermediate
            if let ql {
                w.intermediateBias.withUnsafeBufferPointer {
                    ql.intermediate.apply(x, rows: m, bias: $0.baseAddress!, into: mid, quantized: scratch.quantized,
                                          rowScales: scratch.rowScales)
                }
                zeroBias.withUnsafeBufferPointer { Dense.geluBias(mid, bias: $0.baseAddress!, rows: m, cols: i) }
                ql.output.apply(mid, rows: m, bias: nil, into: out, quantized: scratch.quantized,
                                rowScales: scratch.rowScales)
            } else {
                w.intermediate.withUnsafeBufferPointer { w1 in
                    Dense.matmulTransposed(x, lda: h, w1.baseAddress!, ldb: h, mid, ldc: i, m: m, n: i, k: h)
                }
                w.intermediateBias.withUnsafeBufferPointer { Dense.geluBias(mid, bias: $0.baseAddress!, rows: m, cols: i) }
                w.output.withUnsafeBufferPointer { w2 in
                    Dense.matmulTransposed(mid, lda: i, w2.baseAddress!, ldb: i, out, ldc: h, m: m, n: h, k: i)
                }
            }
            w.outputBias.withUnsafeBufferPointer { b in
            w.outputNormGamma.withUnsafeBufferPointer { g in
            w.outputNormBeta.withUnsafeBufferPointer { be in
                Dense.layerNorm(out, bias: b.baseAddress!, residual: x, gamma: g.baseAddress!, beta: be.baseAddress!,
                                rows: m, cols: h, epsilon: c.layerNormEpsilon)
            }}}
        }
    }
}
