import Foundation
import Testing
@testable import CitedModel

/// Writes a safetensors file from a header dictionary and raw data.
func writeSafetensors(header: [String: Any], data: [UInt8]) throws -> URL {
    let json = try JSONSerialization.data(withJSONObject: header)
    var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
    bytes += json
    bytes += data
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).safetensors")
    try Data(bytes).write(to: url)
    return url
}

@Suite("safetensors")
struct BertSafetensorsTests {
    @Test("F32, F16 and BF16 tensors convert to Float")
    func dtypes() throws {
        var data: [UInt8] = []
        for v: Float in [1, -2.5] { data += withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        for v: Float16 in [0.5, -3] { data += withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        for v: Float in [1.5, -0.25] { data += withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { Array($0) } }
        let url = try writeSafetensors(header: [
            "a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
            "b": ["dtype": "F16", "shape": [1, 2], "data_offsets": [8, 12]],
            "c": ["dtype": "BF16", "shape": [2], "data_offsets": [12, 16]],
            "__metadata__": ["format": "pt"],
        ], data: data)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try SafetensorsFile(url: url)
        #expect(try file.floats("a") == [1, -2.5])
        #expect(try file.floats("b", shape: [1, 2]) == [0.5, -3])
        #expect(try file.floats("c") == [1.5, -0.25])
        #expect(file.metadata["format"] == "pt")
        #expect(throws: SafetensorsError.self) { try file.floats("b", shape: [2]) }
        #expect(throws: SafetensorsError.self) { try file.floats("missing") }
    }

    @Test("malformed headers are rejected with the tensor and file named", arguments: [
        (["x": ["dtype": "F32", "shape": [3], "data_offsets": [0, 8]]], "x"),
        (["x": ["dtype": "Q4", "shape": [2], "data_offsets": [0, 8]]], "x"),
        (["x": ["dtype": "F32", "shape": [4], "data_offsets": [0, 16]]], "x"),
        (["x": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
          "y": ["dtype": "F32", "shape": [1], "data_offsets": [4, 8]]], "overlaps"),
    ] as [([String: Any], String)])
    func malformed(header: [String: Any], mention: String) throws {
        let url = try writeSafetensors(header: header, data: [UInt8](repeating: 0, count: 8))
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try SafetensorsFile(url: url)
            Issue.record("accepted a malformed header")
        } catch let error as SafetensorsError {
            #expect(error.description.contains(url.path))
            #expect(error.description.contains(mention))
        }
    }

    @Test("the MiniLM checkpoint validates")
    func miniLM() throws {
        let file = try SafetensorsFile(url: try miniLMDirectory().appendingPathComponent("model.safetensors"))
        #expect(file.tensors.count == 104)
        #expect(try file.info("embeddings.word_embeddings.weight").shape == [30522, 384])
    }
}
