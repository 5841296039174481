import CitedCore
import CitedKernels
import CitedTokenizer
import Foundation

/// A sentence embedder from a BERT checkpoint folder (`model.safetensors`, `config.json`, `tokenizer.json`,
/// sentence-transformers' `sentence_bert_config.json` and `1_Pooling/config.json`): mean pooling, L2 norm.
///
/// Texts are tokenised, sorted by length and packed into batches of at most `batchTokens` tokens;
/// `threads` workers each run whole batches with single-threaded BLAS (one layer of parallelism).
public final class BertEmbedder: Embedder, @unchecked Sendable {
    public let stamp: EmbedderStamp
    public let tokenizer: WordPieceTokenizer
    public let encoder: Bert.Encoder
    public let threads: Int
    public let batchTokens: Int
    private var scratches: [Bert.Scratch] = []
    private let lock = NSLock()

    /// Loads the checkpoint in `directory`. `name` defaults to the folder's name; `.fp32` is the reference.
    public init(directory: URL, name: String? = nil, chunkerVersion: Int, threads: Int = 2,
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
        self.batchTokens = max(batchTokens, limit)
    }

    /// Row-major `(texts.count, dimension)` unit vectors.
    public func embed(_ texts: [String]) throws -> [Float] {
        let sequences = tokenize(texts)
        return embed(tokenized: sequences)
    }

    /// Vectors of already tokenised texts (ids with `[CLS]`/`[SEP]`, at most `stamp.tokenLimit`).
    public func embed(tokenized sequences: [[Int32]]) -> [Float] {
        lock.lock()
        defer { lock.unlock() }
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
        if scratches.first.map({ $0.capacity < capacity }) ?? false { scratches.removeAll() }
        while scratches.count < threads {
            scratches.append(Bert.Scratch(configuration: encoder.configuration, capacity: capacity,
                                          maxLength: stamp.tokenLimit))
        }
        var sortedOutput = [Float](repeating: 0, count: sequences.count * dim)
        let next = NextIndex()
        let workers = min(threads, batches.count)
        Dense.setBLASThreads(1)
        sortedOutput.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let scratch = scratches[worker]
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
