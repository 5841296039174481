#if canImport(Glibc)
import Glibc
#endif

extension Dense {
    /// log softmax(`logits`)[`index`]: the log-probability a row of a language model's logits gives one token.
    /// Shifted by the row's maximum, so large logits do not overflow.
    public static func logSoftmax(_ logits: UnsafeBufferPointer<Float>, at index: Int) -> Float {
        precondition(logits.indices.contains(index), "token \(index) outside a row of \(logits.count) logits")
        var top = -Float.infinity
        for value in logits { top = max(top, value) }
        var sum: Float = 0
        for value in logits { sum += expf(value - top) }
        return logits[index] - top - logf(sum)
    }
}
