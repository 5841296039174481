import Foundation

/// The KV-cache entries of a model's first `tokens.count` positions, so that a later prompt starting with
/// the same tokens can skip their prefill (llama.cpp's prompt cache). Restoring a snapshot gives the same
/// cache as running those tokens as one batch, so generation continues bit for bit as it would have.
public struct KVSnapshot: Equatable, Sendable {
    /// The prompt tokens whose entries these are.
    public var tokens: [Int32]
    /// Layers × KV heads × head size: the shape every position's keys (and values) have.
    public var layers: Int, kvHeads: Int, headDimension: Int
    /// f16 keys then values, (layer, head, position, dimension) order.
    public var entries: [UInt16]

    public init(tokens: [Int32], layers: Int, kvHeads: Int, headDimension: Int, entries: [UInt16]) {
        self.tokens = tokens
        self.layers = layers
        self.kvHeads = kvHeads
        self.headDimension = headDimension
        self.entries = entries
    }
}

extension LanguageModel {
    /// The cache entries of the first `count` tokens, which must be the ones given as `tokens`.
    public func snapshot(of tokens: [Int32]) -> KVSnapshot {
        precondition(tokens.count <= position, "snapshot of \(tokens.count) tokens, \(position) cached")
        let c = configuration
        var entries = [UInt16](repeating: 0, count: 2 * c.layers * c.kvHeads * tokens.count * c.headDimension)
        entries.withUnsafeMutableBufferPointer { out in
            forEachRun(tokens: tokens.count) { cache, offset, run in (out.baseAddress! + offset).update(from: cache, count: run) }
        }
        return KVSnapshot(tokens: tokens, layers: c.layers, kvHeads: c.kvHeads, headDimension: c.headDimension,
                          entries: entries)
    }

    /// Calls `body` with each (layer, head) run of the first `tokens` positions of the key cache, then of the
    /// value cache, and where that run sits in a snapshot's `entries`.
    private func forEachRun(tokens: Int, _ body: (UnsafeMutablePointer<UInt16>, Int, Int) -> Void) {
        let run = tokens * configuration.headDimension
        var offset = 0
        for cache in [state.keys, state.values] {
            for lh in 0..<(configuration.layers * configuration.kvHeads) {
                body(cache + lh * state.headStride, offset, run)
                offset += run
            }
        }
    }

    /// Replaces the cache with `snapshot`; the next `forward` continues after its tokens.
    public func restore(_ snapshot: KVSnapshot) throws {
        let c = configuration
        let run = snapshot.tokens.count * c.headDimension
        guard snapshot.layers == c.layers, snapshot.kvHeads == c.kvHeads, snapshot.headDimension == c.headDimension,
              snapshot.entries.count == 2 * c.layers * c.kvHeads * run else {
            throw LanguageModelError.snapshotMismatch
        }
        guard snapshot.tokens.count <= contextLength else {
            throw LanguageModelError.contextOverflow(needed: snapshot.tokens.count, limit: contextLength)
        }
        snapshot.entries.withUnsafeBufferPointer { input in
            forEachRun(tokens: snapshot.tokens.count) { cache, offset, run in cache.update(from: input.baseAddress! + offset, count: run) }
        }
        reset()
        position = snapshot.tokens.count
    }
}
