import Foundation

/// Picks the next token from logits: repetition penalty, top-k, top-p, min-p, temperature, seeded draw.
/// Buffers are sized to the vocabulary once; sampling allocates nothing.
public final class Sampler {
    public let parameters: GenerateParameters
    private var rng: SplitMix64
    private let order: UnsafeMutablePointer<Int32>
    private let probs: UnsafeMutablePointer<Float>
    private let vocabulary: Int

    public init(parameters: GenerateParameters, vocabulary: Int) {
        self.parameters = parameters
        self.vocabulary = vocabulary
        rng = SplitMix64(seed: parameters.seed)
        order = .allocate(capacity: vocabulary)
        probs = .allocate(capacity: vocabulary)
    }

    deinit {
        order.deallocate()
        probs.deallocate()
    }

    /// The index of the largest logit (the first one on ties).
    public static func argmax(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<logits.count where logits[i] > bestValue {
            bestValue = logits[i]
            best = i
        }
        return Int32(best)
    }

    /// Applies the penalty for `recent` tokens in place.
    public func penalize(_ logits: UnsafeMutableBufferPointer<Float>, recent: ArraySlice<Int32>) {
        let p = parameters.repetitionPenalty
        guard p != 1, p > 0 else { return }
        var seen = Set<Int32>()
        for t in recent.suffix(parameters.repetitionWindow) where seen.insert(t).inserted {
            let i = Int(t)
            guard i >= 0, i < logits.count else { continue }
            logits[i] = logits[i] > 0 ? logits[i] / p : logits[i] * p
        }
    }

    /// The next token for these (already penalized and biased) logits.
    public func sample(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        let prm = parameters
        if prm.temperature <= 0 { return Self.argmax(logits) }
        let n = min(vocabulary, logits.count)
        var count = 0
        for i in 0..<n where logits[i] > -Float.infinity {
            order[count] = Int32(i)
            count += 1
        }
        guard count > 0 else { return Self.argmax(logits) }
        // Candidates by logit, descending: a bounded insertion for small top-k, else a full sort.
        let k = prm.topK > 0 ? min(prm.topK, count) : count
        if k <= 128 && k < count {
            var kept = 0
            for j in 0..<count {
                let id = order[j]
                let value = logits[Int(id)]
                if kept == k && value <= logits[Int(order[k - 1])] { continue }
                var at = min(kept, k - 1)
                while at > 0 && logits[Int(order[at - 1])] < value {
                    order[at] = order[at - 1]
                    at -= 1
                }
                order[at] = id
                if kept < k { kept += 1 }
            }
        } else {
            var all = UnsafeMutableBufferPointer(start: order, count: count)
            all.sort { logits[Int($0)] > logits[Int($1)] }
        }
        count = k
        let maxLogit = logits[Int(order[0])]
        var sum: Double = 0
        for j in 0..<count {
            let e = Float(Double(logits[Int(order[j])] - maxLogit) / Double(prm.temperature)).exponential
            probs[j] = e
            sum += Double(e)
        }
        for j in 0..<count { probs[j] = Float(Double(probs[j]) / sum) }
        if prm.minP > 0 {
            let cut = probs[0] * prm.minP
            var keep = 1
            while keep < count && probs[keep] >= cut { keep += 1 }
            count = keep
        }
        if prm.topP < 1 {
            var acc: Float = 0
            var keep = 0
            while keep < count {
                acc += probs[keep]
                keep += 1
                if acc >= prm.topP { break }
            }
            count = max(1, keep)
        }
        var total: Float = 0
        for j in 0..<count { total += probs[j] }
        var r = Float(rng.nextUnit()) * total
        for j in 0..<count {
            r -= probs[j]
            if r <= 0 { return order[j] }
        }
        return order[count - 1]
    }
}

extension Float {
    var exponential: Float { Float(Foundation.exp(Double(self))) }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
