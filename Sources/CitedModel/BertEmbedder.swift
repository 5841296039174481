import CitedCore
import CitedKernels
import CitedTokenizer
import Foundation

/// A sentence embedder from a BERT checkpoint folder (`model.safetensors`, `config.json`, `tokenizer.json`,
/// sentence-transformers' `sentence_bert_config.json` and `1_Pooling/config.json`): mean pooling, L2 norm.
///
/// Texts are tokenised, sorted by length and packed into batches of at most `batchTokens` tokens;
/// `threads` workers each run whole batches with single-threaded BLAS (one layer of parallelism).
///
/// Calls from several threads at once are combined: at most `concurrentPasses` forward passes run at a time,
/// and the calls that arrive meanwhile run together in the next free one (up to `batchTokens` tokens), so
/// concurrent queries share one read of the weights instead of queueing for one pass each. A text's vector does not
/// depend on what it was batched with (rows are independent; bit-equal on the int16 path, tested).
///
/// `@unchecked Sendable`: a pass slot's scratches are used only by the thread that took the slot (under
/// `condition`); the weights are read-only.
public final class BertEmbedder: Embedder, @unchecked Sendable {
    public let stamp: EmbedderStamp
    public let tokenizer: WordPieceTokenizer
    public let encoder: Bert.Encoder
    public let threads: Int
    public let batchTokens: Int
    /// Forward passes that may run at once, each on a thread of its own (its `threads` workers aside).
    public let concurrentPasses: Int
    /// Guards `waiting` and `freeSlots`; signalled when a pass ends.
    private let condition = NSCondition()
    /// Calls not yet taken into a pass, oldest first.
    private var waiting: [EmbedCall] = []
    /// Pass slots not in use, each with its scratches.
    private var freeSlots: [PassSlot]
    private var passCount = 0, callCount = 0

    /// Loads the checkpoint in `directory`. `name` defaults to the folder's name; `.fp32` is the reference.
    public init(directory: URL, name: String? = nil, chunkerVersion: Int, threads: Int = 2, concurrentPasses: Int = 1,
                batchTokens: Int = 2048, precision: Bert.Precision = .int16) throws {
        let configuration = try Bert.Configuration(contentsOf: directory.appendingPathComponent("config.json"))
        var limit = 256
        let stConfig = directory.appendingPathComponent("sentence_bert_config.json")
        if let data = try? Data(contentsOf: stConfig) {
            guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw BertError.badConfiguration(file: stConfig.path, reason: "not a JSON object")
            }
            if let v = (json["max_seq_length"] as? NSNumber)?.intValue { limit = v }
        }
        limit = min(limit, configuration.maxPositions)
        let pooling = directory.appendingPathComponent("1_Pooling/config.json")
        if let data = try? Data(contentsOf: pooling) {
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            guard json["pooling_mode_mean_tokens"] as? Bool ?? true,
                  !(json["pooling_mode_cls_token"] as? Bool ?? false),
                  !(json["pooling_mode_max_tokens"] as? Bool ?? false) else {
                throw BertError.unsupported(file: pooling.path, reason: "only mean pooling is implemented")
            }
        }
        let tokenizerJSON = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: tokenizerJSON.path) {
            tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON, maxLength: limit)
        } else {
            tokenizer = try WordPieceTokenizer(vocabTXT: directory.appendingPathComponent("vocab.txt"), maxLength: limit)
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        let file = try SafetensorsFile(url: weightsURL)
        encoder = Bert.Encoder(configuration: configuration, weights: try Bert.Weights(file: file, configuration: configuration),
                               precision: precision)
        stamp = EmbedderStamp(name: name ?? directory.lastPathComponent, weightsSHA256: try Self.digest(of: weightsURL),
                              dimension: configuration.hiddenSize, pooling: "mean+l2", tokenLimit: limit,
                              chunkerVersion: chunkerVersion)
        self.threads = max(1, threads)
        self.concurrentPasses = max(1, concurrentPasses)
        freeSlots = (0..<max(1, concurrentPasses)).map { _ in PassSlot() }
        self.batchTokens = max(batchTokens, limit)
    }

    /// Row-major `(texts.count, dimension)` unit vectors.
    public func embed(_ texts: [String]) throws -> [Float] {
        let sequences = tokenize(texts)
        return embed(tokenized: sequences)
    }

    /// Vectors of already tokenised texts (ids with `[CLS]`/`[SEP]`, at most `stamp.tokenLimit`).
    public func embed(tokenized sequences: [[Int32]]) -> [Float] {
        if sequences.isEmpty { return [] }
        let call = EmbedCall(sequences)
        condition.lock()
        defer { condition.unlock() }
        waiting.append(call)
        while call.output == nil {
            // Our call is waiting or in a pass running now; lead a pass only for calls still waiting.
            guard !waiting.isEmpty, let slot = freeSlots.popLast() else { condition.wait(); continue }
            // Lead a pass: the oldest calls that fit in batchTokens tokens (at least one), ours or not.
            var taken = 0, tokens = 0
            while taken < waiting.count, taken == 0 || tokens + waiting[taken].tokens <= batchTokens {
                tokens += waiting[taken].tokens
                taken += 1
            }
            let calls = Array(waiting.prefix(taken))
            waiting.removeFirst(taken)
            condition.unlock()
            let vectors = forward(calls.count == 1 ? calls[0].sequences : calls.flatMap(\.sequences), slot: slot)
            condition.lock()
            var offset = 0
            for served in calls {
                let count = served.sequences.count * stamp.dimension
                served.output = calls.count == 1 ? vectors : Array(vectors[offset..<(offset + count)])
                offset += count
            }
            passCount += 1
            callCount += calls.count
            freeSlots.append(slot)
            condition.broadcast()
        }
        return call.output!
    }

    /// Forward passes run so far, and the calls they served (more calls than passes: calls were combined).
    public var passes: (passes: Int, calls: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (passCount, callCount)
    }

    /// One forward pass over `sequences` with the scratches of `slot` (which the caller took).
    private func forward(_ sequences: [[Int32]], slot: PassSlot) -> [Float] {
        let dim = stamp.dimension
        var output = [Float](repeating: 0, count: sequences.count * dim)
        if sequences.isEmpty { return output }
        // Sort by length so that batches hold similar lengths; pack up to batchTokens tokens each.
        let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
        var batches: [Range<Int>] = []
        var start = 0, tokens = 0
        for (i, index) in order.enumerated() {
            let n = sequences[index].count
            if tokens + n > batchTokens && i > start {
                batches.append(start..<i)
                start = i
                tokens = 0
            }
            tokens += n
        }
        batches.append(start..<order.count)
        let sorted = order.map { sequences[$0] }
        // Scratch sized for the largest batch (in steps of the token limit, at most batchTokens): a short
        // query needs a few megabytes, not the full batch's tens.
        let largest = batches.map { range in range.reduce(0) { $0 + sorted[$1].count } }.max() ?? 0
        let step = stamp.tokenLimit
        let capacity = min(batchTokens, max(step, (largest + step - 1) / step * step))
        if slot.scratches.first.map({ $0.capacity < capacity }) ?? false { slot.scratches.removeAll() }
        while slot.scratches.count < threads {
            slot.scratches.append(Bert.Scratch(configuration: encoder.configuration, capacity: capacity,
                                          maxLength: stamp.tokenLimit))
        }
        var sortedOutput = [Float](repeating: 0, count: sequences.count * dim)
        let next = NextIndex()
        let workers = min(threads, batches.count)
        Dense.setBLASThreads(1)
        sortedOutput.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let scratch = slot.scratches[worker]
                while let b = next.take(below: batches.count) {
                    let range = batches[b]
                    encoder.embed(sorted[range], scratch: scratch, output: base + range.lowerBound * dim)
                }
            }
        }
        for (i, index) in order.enumerated() {
            output.withUnsafeMutableBufferPointer { o in
                sortedOutput.withUnsafeBufferPointer { s in
                    (o.baseAddress! + index * dim).update(from: s.baseAddress! + i * dim, count: dim)
                }
            }
        }
        return output
    }

    /// Token ids of each text, truncated to the token limit, tokenised on `threads` workers.
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: texts.count)
        let chunk = max(1, (texts.count + threads * 4 - 1) / (threads * 4))
        let chunks = (texts.count + chunk - 1) / chunk
        result.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(texts.count, (c + 1) * chunk) { (base + i).pointee = tokenizer.encode(texts[i]) }
            }
        }
        return result
    }

    /// The weights' sha256: from the model cache's verification record or our own record when the
    /// file's size and modification time match, else computed once and recorded beside the file.
    static func digest(of url: URL) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        let records = [
            url.deletingLastPathComponent().appendingPathComponent(".verified/\(url.lastPathComponent).json"),
            url.appendingPathExtension("sha256.json"),
        ]
        for record in records {
            guard let data = try? Data(contentsOf: record),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let sha = json["sha256"] as? String, sha.count == 64,
                  (json["size"] as? NSNumber)?.intValue == size,
                  let m = (json["modified"] as? NSNumber)?.doubleValue, abs(m - modified) < 1e-3 else { continue }
            return sha
        }
        let sha = try SHA256.hex(ofFile: url)
        let record: [String: Any] = ["sha256": sha, "size": size, "modified": modified]
        if let data = try? JSONSerialization.data(withJSONObject: record) {
            try? data.write(to: records[1], options: .atomic)
        }
        return sha
    }
}

/// Scratch buffers of one pass at a time (one per worker), grown to the largest batch seen.
private final class PassSlot {
    var scratches: [Bert.Scratch] = []
}

/// One caller's texts waiting for a pass, and their vectors once it ran (both under the embedder's condition).
private final class EmbedCall {
    let sequences: [[Int32]]
    let tokens: Int
    var output: [Float]?

    init(_ sequences: [[Int32]]) {
        self.sequences = sequences
        tokens = sequences.reduce(0) { $0 + $1.count }
    }
}

/// A shared work counter for the embedding workers.
private final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
