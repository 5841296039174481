import CCitedKernels

/// A weight matrix read in place from the mapping: `rows` rows of `columns` values of `type`.
public struct QuantizedMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let data: UnsafeRawPointer

    init(_ t: GGUFTensor) {
        type = t.type
        rows = t.rows
        columns = t.columns
        data = t.data
    }

    /// The ggml id of the activation format this matrix's kernel takes.
    var activationType: Int32 { cq_act_type(Int32(type.rawValue)) }
}

/// The weights of one decoder layer.
struct LlamaLayer {
    let attentionNorm: UnsafePointer<Float>
    let wq, wk, wv, wo: QuantizedMatrix
    let bq, bk, bv: UnsafePointer<Float>?
    let ffnNorm: UnsafePointer<Float>
    let gate, up, down: QuantizedMatrix
}

/// All weights of a llama/qwen2 model, mapped from GGUF tensor names once (llama.cpp's names).
struct LlamaWeights {
    let embedding: QuantizedMatrix
    let outputNorm: UnsafePointer<Float>
    let output: QuantizedMatrix
    let layers: [LlamaLayer]

    init(gguf: GGUFFile, config c: LlamaConfiguration) throws {
        let file = gguf.url.lastPathComponent
        func matrix(_ name: String, _ cols: Int, _ rows: Int) throws -> QuantizedMatrix {
            let t = try gguf.tensor(name)
            guard t.dims == [cols, rows] else {
                throw GGUFError.tensorShape(file: file, tensor: name, expected: [cols, rows], got: t.dims)
            }
            guard cq_supported(Int32(t.type.rawValue)) != 0 else {
                throw GGUFError.unsupportedTensorType(file: file, tensor: name, type: t.type.rawValue)
            }
            return QuantizedMatrix(t)
        }
        func vector(_ name: String, _ n: Int) throws -> UnsafePointer<Float> {
            let t = try gguf.tensor(name)
            guard t.dims == [n] else { throw GGUFError.tensorShape(file: file, tensor: name, expected: [n], got: t.dims) }
            guard t.type == .f32 else {
                throw GGUFError.malformed(file: file, reason: "tensor '\(name)' is \(t.type.name), expected F32")
            }
            return t.data.assumingMemoryBound(to: Float.self)
        }
        let d = c.dimension, qd = c.heads * c.headDimension, kvd = c.kvHeads * c.headDimension
        embedding = try matrix("token_embd.weight", d, c.vocabularySize)
        outputNorm = try vector("output_norm.weight", d)
        output = gguf.hasTensor("output.weight") ? try matrix("output.weight", d, c.vocabularySize) : embedding
        var layers: [LlamaLayer] = []
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            let bias = c.architecture == .qwen2
            layers.append(LlamaLayer(
                attentionNorm: try vector(p + "attn_norm.weight", d),
                wq: try matrix(p + "attn_q.weight", d, qd),
                wk: try matrix(p + "attn_k.weight", d, kvd),
                wv: try matrix(p + "attn_v.weight", d, kvd),
                wo: try matrix(p + "attn_output.weight", qd, d),
                bq: bias ? try vector(p + "attn_q.bias", qd) : nil,
                bk: bias ? try vector(p + "attn_k.bias", kvd) : nil,
                bv: bias ? try vector(p + "attn_v.bias", kvd) : nil,
                ffnNorm: try vector(p + "ffn_norm.weight", d),
                gate: try matrix(p + "ffn_gate.weight", d, c.feedForward),
                up: try matrix(p + "ffn_up.weight", d, c.feedForward),
                down: try matrix(p + "ffn_down.weight", c.feedForward, d)))
        }
        self.layers = layers
    }
}
