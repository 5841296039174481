import CCitedKernels

extension Dense {
    /// A linear layer with 11-bit integer weights (one scale per output) applied to activations quantised
    /// per row to 11–16 bits (as wide as int32 sums allow); sums are exact, only the roundings err.
    public final class QuantizedLinear: @unchecked Sendable {
        public let outputs: Int
        public let inputs: Int
        private let packed: [Int16]
        private let scales: [Float]

        /// Whether the kernel handles a `(outputs, inputs)` weight matrix.
        public static func supports(outputs: Int, inputs: Int) -> Bool {
            embed_q16_supported(outputs, inputs) != 0
        }

        /// Quantises `weights` `(outputs, inputs)` row-major, PyTorch layout.
        public convenience init(weights: [Float], outputs: Int, inputs: Int) {
            precondition(weights.count == outputs * inputs, "weights must be (outputs, inputs)")
            // The pointer is used only inside the closure: an escaped one may outlive the array's storage.
            let (packed, scales) = weights.withUnsafeBufferPointer {
                Self.pack(parts: [($0.baseAddress!, outputs)], inputs: inputs)
            }
            self.init(packed: packed, scales: scales, outputs: outputs, inputs: inputs)
        }

        private init(packed: [Int16], scales: [Float], outputs: Int, inputs: Int) {
            self.packed = packed
            self.scales = scales
            self.outputs = outputs
            self.inputs = inputs
        }

        /// Quantises the row-wise concatenation of `parts`, each `(rows, inputs)` row-major, without copying
        /// them together (the same result as packing the concatenation: panels never straddle two parts).
        public convenience init(parts: [(weights: UnsafePointer<Float>, rows: Int)], inputs: Int) {
            let (packed, scales) = Self.pack(parts: parts, inputs: inputs)
            self.init(packed: packed, scales: scales, outputs: scales.count, inputs: inputs)
        }

        /// The packed panels and per-output scales of `parts`.
        private static func pack(parts: [(weights: UnsafePointer<Float>, rows: Int)], inputs: Int) -> ([Int16], [Float]) {
            let outputs = parts.reduce(0) { $0 + $1.rows }
            for part in parts {
                precondition(Self.supports(outputs: part.rows, inputs: inputs), "unsupported quantised shape")
            }
            // Every element is written by the packing (no zero fill first).
            var scales = [Float](repeating: 0, count: outputs)
            let packed = [Int16](unsafeUninitializedCapacity: outputs * inputs) { p, count in
                scales.withUnsafeMutableBufferPointer { s in
                    var row = 0
                    for part in parts {
                        embed_q16_pack(part.weights, part.rows, inputs, p.baseAddress! + row * inputs, s.baseAddress! + row)
                        row += part.rows
                    }
                }
                count = outputs * inputs
            }
            return (packed, scales)
        }

        /// `c (rows, outputs) = a (rows, inputs) · wᵀ + bias`. Scratch: `rows·inputs` Int16, `rows` Floats.
        public func apply(_ a: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
                          into c: UnsafeMutablePointer<Float>, quantized: UnsafeMutablePointer<Int16>,
                          rowScales: UnsafeMutablePointer<Float>) {
            packed.withUnsafeBufferPointer { p in
                scales.withUnsafeBufferPointer { s in
                    embed_q16_linear(a, rows, inputs, p.baseAddress!, s.baseAddress!, bias, outputs, c, quantized, rowScales)
                }
            }
        }

        /// `apply` at instruction-set level `isa` (a `cq_isa`, clamped to the CPU's); returns the level that ran
        /// (for tests: AVX-512 and AVX2 give the same bits).
        func apply(isa: Int32, _ a: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
                   into c: UnsafeMutablePointer<Float>, quantized: UnsafeMutablePointer<Int16>,
                   rowScales: UnsafeMutablePointer<Float>) -> Int32 {
            packed.withUnsafeBufferPointer { p in
                scales.withUnsafeBufferPointer { s in
                    embed_q16_linear_isa(isa, a, rows, inputs, p.baseAddress!, s.baseAddress!, bias, outputs, c,
                                         quantized, rowScales)
                }
            }
        }

        /// The portable path with the same integer arithmetic (for tests).
        public func applyReference(_ a: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
                                   into c: UnsafeMutablePointer<Float>, quantized: UnsafeMutablePointer<Int16>,
                                   rowScales: UnsafeMutablePointer<Float>) {
            packed.withUnsafeBufferPointer { p in
                scales.withUnsafeBufferPointer { s in
                    embed_q16_linear_reference(a, rows, inputs, p.baseAddress!, s.baseAddress!, bias, outputs, c,
                                              quantized, rowScales)
                }
            }
        }
    }
}
