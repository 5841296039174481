import Foundation
import Testing
@testable import CitedModel

@Suite("GGUF reader")
struct GGUFFileTests {
    func sample(version: UInt32 = 3) -> GGUFWriter {
        var w = GGUFWriter(version: version)
        typealias W = GGUFWriter
        w.add("u8", type: 0, [7])
        w.add("i8", type: 1, [0xFF])
        w.add("u16", type: 2, W.le(UInt16(600)))
        w.add("i16", type: 3, W.le(Int16(-600)))
        w.add("u32", type: 4, W.le(UInt32(70000)))
        w.add("i32", type: 5, W.le(Int32(-70000)))
        w.add("f32", type: 6, W.le(Float(1.5).bitPattern))
        w.add("bool", type: 7, [1])
        w.add("str", type: 8, W.str("héllo"))
        w.add("arr", type: 9, W.le(UInt32(8)) + W.le(UInt64(2)) + W.str("a") + W.str("b"))
        w.add("nested", type: 9, W.le(UInt32(9)) + W.le(UInt64(1)) + W.le(UInt32(4)) + W.le(UInt64(2))
              + W.le(UInt32(1)) + W.le(UInt32(2)))
        w.add("u64", type: 10, W.le(UInt64(1) << 40))
        w.add("i64", type: 11, W.le(Int64(-5)))
        w.add("f64", type: 12, W.le(Double(2.25).bitPattern))
        w.add("general.alignment", type: 4, W.le(UInt32(64)))
        w.alignment = 64
        let f32 = (0..<6).flatMap { W.le(Float(Float($0)).bitPattern) }
        w.tensors.append(("a.weight", [3, 2], 0, f32))
        w.tensors.append(("b.weight", [32, 1], 8, [UInt8](repeating: 0, count: 34)))
        return w
    }

    @Test("reads every metadata type, arrays and the tensor table (v2 and v3)", arguments: [UInt32(2), 3])
    func reads(version: UInt32) throws {
        let url = try sample(version: version).write()
        defer { try? FileManager.default.removeItem(at: url) }
        let f = try GGUFFile(url: url)
        #expect(f.version == version)
        #expect(f.metadata["u8"] == .uint8(7))
        #expect(f.metadata["i8"] == .int8(-1))
        #expect(f.metadata["u16"]?.int == 600)
        #expect(f.metadata["i16"]?.int == -600)
        #expect(f.metadata["u32"]?.int == 70000)
        #expect(f.metadata["i32"]?.int == -70000)
        #expect(f.metadata["f32"]?.double == 1.5)
        #expect(f.metadata["bool"]?.bool == true)
        #expect(f.metadata["str"]?.string == "héllo")
        #expect(f.metadata["arr"]?.array?.compactMap(\.string) == ["a", "b"])
        #expect(f.metadata["nested"]?.array?.first?.array?.compactMap(\.int) == [1, 2])
        #expect(f.metadata["u64"]?.int == 1 << 40)
        #expect(f.metadata["i64"]?.int == -5)
        #expect(f.metadata["f64"]?.double == 2.25)
        #expect(f.alignment == 64)
        let a = try f.tensor("a.weight")
        #expect(a.type == .f32 && a.dims == [3, 2] && a.rows == 2 && a.columns == 3)
        #expect(a.data.load(fromByteOffset: 4 * 5, as: Float.self) == 5)
        let b = try f.tensor("b.weight")
        #expect(b.type == .q8_0 && b.byteCount == 34)
        #expect(throws: GGUFError.tensorMissing(file: url.lastPathComponent, tensor: "c.weight")) {
            try f.tensor("c.weight")
        }
    }

    @Test("truncated files fail with an error naming the file, never crash")
    func truncated() throws {
        let full = sample().bytes()
        for cut in [0, 3, 7, 20, 60, 200, full.count - 40] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cut\(cut).gguf")
            try Data(full.prefix(cut)).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                _ = try GGUFFile(url: url)
                Issue.record("cut at \(cut) was accepted")
            } catch let e as GGUFError {
                #expect(e.description.contains("cut\(cut).gguf"))
            }
        }
    }

    @Test("bad magic, version, value type and tensor type are refused clearly")
    func corrupt() throws {
        var bytes = sample().bytes()
        bytes[0] = 0x58
        var url = try write(bytes, "magic.gguf")
        #expect(throws: GGUFError.notGGUF(file: "magic.gguf")) { try GGUFFile(url: url) }
        url = try sample(version: 1).write("v1.gguf")
        #expect(throws: GGUFError.unsupportedVersion(file: "v1.gguf", version: 1)) { try GGUFFile(url: url) }
        var w = sample()
        w.tensors[1].2 = 99
        url = try w.write("type.gguf")
        do {
            _ = try GGUFFile(url: url)
            Issue.record("unknown tensor type accepted")
        } catch let e as GGUFError {
            #expect(e == .unsupportedTensorType(file: "type.gguf", tensor: "b.weight", type: 99))
            #expect(e.description.contains("Q4_K") && e.description.contains("b.weight"))
        }
        w = sample()
        w.kv[0].1 = 42
        url = try w.write("vtype.gguf")
        #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
    }

    @Test("a non-llama architecture is refused by name")
    func architecture() throws {
        var w = sample()
        w.add("general.architecture", type: 8, GGUFWriter.str("mamba"))
        let url = try w.write("arch.gguf")
        let f = try GGUFFile(url: url)
        #expect(throws: GGUFError.unsupportedArchitecture(file: "arch.gguf", architecture: "mamba")) {
            try LlamaConfiguration(gguf: f)
        }
    }

    @Test("the real models parse: tensor counts, types and shapes from DATA.md")
    func realModels() throws {
        guard let smol = cachedModel("smollm2-135m"), let qwen = cachedModel("qwen2.5-coder-0.5b") else { return }
        let s = try GGUFFile(url: smol)
        #expect(s.tensors.count == 272)
        #expect(try s.tensor("token_embd.weight").dims == [576, 49152])
        let c = try LlamaConfiguration(gguf: s)
        #expect(c.layers == 30 && c.dimension == 576 && c.heads == 9 && c.kvHeads == 3 && c.architecture == .llama)
        let q = try GGUFFile(url: qwen)
        let types = Set(q.tensors.map(\.type))
        #expect(types == [.f32, .q5_0, .q8_0, .q4_K, .q6_K])
        let qc = try LlamaConfiguration(gguf: q)
        #expect(qc.layers == 24 && qc.dimension == 896 && qc.heads == 14 && qc.kvHeads == 2 && qc.neoxRoPE)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
