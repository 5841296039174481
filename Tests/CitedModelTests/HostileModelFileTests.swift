import Foundation
import Testing
@testable import CitedModel

/// Model files built as an attacker would: counts, sizes and offsets that overflow or exceed the file, special
/// files. Each must give an error naming the file, never a trap, a wrap-around, a huge allocation or a hang.
@Suite("Hostile model files")
struct HostileModelFileTests {
    typealias W = GGUFWriter

    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)-\(name)")
    }

    /// A raw safetensors file: the header text exactly as given (big numbers stay exact), then `data`.
    func safetensors(_ header: String, data: Int = 16, headerSize: UInt64? = nil) throws -> URL {
        let json = Array(header.utf8)
        var bytes = W.le(headerSize ?? UInt64(json.count)) + json
        bytes += [UInt8](repeating: 0, count: data)
        let url = temporary("x.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    @Test("safetensors offsets, shapes and header sizes that overflow are refused", arguments: [
        #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775807]}}"#,
        #"{"x":{"dtype":"F32","shape":[0],"data_offsets":[9223372036854775807,9223372036854775807]}}"#,
        #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}"#,
        #"{"x":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}"#,
        #"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}"#,
        #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#,
        #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0.5,8.5]}}"#,
        #"{"x":{"dtype":"F32","shape":[1e300],"data_offsets":[0,8]}}"#,
    ])
    func safetensorsOverflow(header: String) throws {
        let url = try safetensors(header)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(url: url) }
    }

    @Test("a safetensors header size past the file or near 2^64 is refused")
    func safetensorsHeaderSize() throws {
        for size in [UInt64.max, UInt64(Int64.max), UInt64(1) << 40] {
            let url = try safetensors("{}", headerSize: size)
            defer { try? FileManager.default.removeItem(at: url) }
            let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(url: url) }
            #expect(error?.description.contains("header size") == true)
        }
    }

    @Test("a well-formed safetensors file still reads after the checks")
    func safetensorsValid() throws {
        let url = try safetensors(#"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try SafetensorsFile(url: url)
        #expect(try file.floats("x", shape: [2, 2]) == [0, 0, 0, 0])
    }

    /// A minimal GGUF header: `kv` raw key-value bytes with `count` claimed pairs, no tensors.
    func gguf(claimedKV: UInt64, kvBytes: [UInt8], tensors: UInt64 = 0, tail: [UInt8] = []) throws -> URL {
        let bytes = W.le(UInt32(0x4655_4747)) + W.le(UInt32(3)) + W.le(tensors) + W.le(claimedKV) + kvBytes + tail
        let url = temporary("x.gguf")
        try Data(bytes).write(to: url)
        return url
    }

    @Test("GGUF metadata arrays claiming 150M–3G elements are refused before any allocation",
          arguments: [(UInt32(4), UInt64(150_000_000)), (UInt32(0), UInt64(3_000_000_000)), (UInt32(8), UInt64(1) << 40),
                      (UInt32(9), UInt64(150_000_000))])
    func hugeArrays(elementType: UInt32, count: UInt64) throws {
        let url = try gguf(claimedKV: 1, kvBytes: W.str("tokenizer.ggml.tokens") + W.le(UInt32(9)) + W.le(elementType)
                           + W.le(count) + [UInt8](repeating: 0, count: 4096))
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        #expect(error?.description.contains("array length") == true, "\(String(describing: error))")
    }

    @Test("GGUF metadata arrays may not add up past the element budget")
    func elementBudget() throws {
        let n = GGUFFile.maxMetadataElements + 1
        let url = try gguf(claimedKV: 1, kvBytes: W.str("a") + W.le(UInt32(9)) + W.le(UInt32(0)) + W.le(UInt64(n))
                           + [UInt8](repeating: 1, count: n))
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        #expect(error?.description.contains("more than \(GGUFFile.maxMetadataElements) elements") == true)
    }

    @Test("GGUF counts larger than the bytes left are refused")
    func counts() throws {
        var url = try gguf(claimedKV: 1 << 20, kvBytes: [])
        #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        try? FileManager.default.removeItem(at: url)
        url = try gguf(claimedKV: 0, kvBytes: [], tensors: 1 << 20)
        #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        try? FileManager.default.removeItem(at: url)
        url = try gguf(claimedKV: 1, kvBytes: W.le(UInt64.max) + [0, 0, 0, 0])
        #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        try? FileManager.default.removeItem(at: url)
    }

    @Test("GGUF tensor dimensions whose product overflows, and offsets past the end, are out of bounds",
          arguments: [[UInt64(1) << 39, 1 << 39, 1 << 39, 1 << 39], [UInt64(1) << 32, 1 << 32], [UInt64(1) << 39, 1 << 26]])
    func tensorOverflow(dims: [UInt64]) throws {
        var w = GGUFWriter()
        w.tensors.append(("t.weight", dims, 0, [UInt8](repeating: 0, count: 64)))
        let url = try w.write(temporary("dims.gguf").lastPathComponent)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        #expect(error?.description.contains("t.weight") == true, "\(String(describing: error))")
    }

    @Test("a FIFO or a folder given as a model path is an error, not a hang")
    func specialFiles() throws {
        let fifo = temporary("model.gguf")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let error = #expect(throws: GGUFError.self) { try GGUFFile(url: fifo) }
        #expect(error?.description.contains("not a regular file") == true)
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(url: fifo) }
        let folder = FileManager.default.temporaryDirectory
        #expect(throws: GGUFError.self) { try GGUFFile(url: folder) }
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(url: folder) }
    }

    @Test("a FIFO as a BERT config.json is refused, not read")
    func bertFIFO() throws {
        let fifo = temporary("config.json")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let error = #expect(throws: BertError.self) { try Bert.Configuration(contentsOf: fifo) }
        #expect(error?.description.contains("not a regular file") == true)
    }

    @Test("llama hyper-parameters out of range are refused before buffers are sized")
    func llamaRanges() throws {
        for (key, value) in [("llama.embedding_length", UInt64(1) << 40), ("llama.block_count", 1 << 30),
                             ("llama.context_length", 1 << 40), ("llama.vocab_size", 1 << 40)] {
            var w = GGUFWriter()
            let values: [String: UInt64] = ["llama.embedding_length": 32, "llama.block_count": 1,
                                            "llama.attention.head_count": 4, "llama.feed_forward_length": 64,
                                            "llama.context_length": 128, "llama.vocab_size": 8]
            w.add("general.architecture", type: 8, W.str("llama"))
            for (k, v) in values { w.add(k, type: 10, W.le(k == key ? value : v)) }
            if values[key] == nil { w.add(key, type: 10, W.le(value)) }
            w.add("llama.attention.layer_norm_rms_epsilon", type: 6, W.le(Float(1e-5).bitPattern))
            w.tensors.append(("token_embd.weight", [32, 8], 0, [UInt8](repeating: 0, count: 32 * 8 * 4)))
            let url = try w.write(temporary("llama.gguf").lastPathComponent)
            defer { try? FileManager.default.removeItem(at: url) }
            let file = try GGUFFile(url: url)
            let error = #expect(throws: GGUFError.self) { try LlamaConfiguration(gguf: file) }
            #expect(error?.description.contains(key) == true, "\(key): \(String(describing: error))")
        }
    }

    @Test("BERT configuration values out of range are refused")
    func bertRanges() throws {
        let base: [String: Any] = ["hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4,
                                   "intermediate_size": 64, "max_position_embeddings": 64, "vocab_size": 100]
        for (key, value) in [("hidden_size", 1e12), ("vocab_size", 1e10), ("max_position_embeddings", 9e18),
                             ("num_hidden_layers", 1e6), ("type_vocab_size", 1e9)] as [(String, Double)] {
            var json = base
            json[key] = value
            let url = temporary("config.json")
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let error = #expect(throws: BertError.self) { try Bert.Configuration(contentsOf: url) }
            #expect(error?.description.contains(key) == true, "\(key): \(String(describing: error))")
        }
    }
}
