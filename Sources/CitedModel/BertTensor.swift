import Foundation

extension Bert {
    /// A read-only fp32 tensor: a view into a mapped safetensors file (kept alive by the view) or an owned copy.
    ///
    /// Views cost nothing to make: pages are read only when the tensor is used, so the embedding table's rows
    /// are touched one token at a time and a linear layer's fp32 weights only by the path that reads them.
    public struct Tensor: @unchecked Sendable {
        private let owner: AnyObject
        public let base: UnsafePointer<Float>
        public let count: Int

        /// A view of `count` floats at `base`, valid while `owner` lives.
        init(viewing base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
            self.owner = owner
            self.base = base
            self.count = count
        }

        /// An owned copy of `values`.
        public init(_ values: [Float]) {
            let storage = Storage(values)
            owner = storage
            base = UnsafePointer(storage.pointer)
            count = values.count
        }

        /// The concatenation of `parts`, owned.
        public init(concatenating parts: [Tensor]) {
            var values: [Float] = []
            values.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for p in parts { values.append(contentsOf: UnsafeBufferPointer(start: p.base, count: p.count)) }
            self.init(values)
        }

        public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
            try withExtendedLifetime(owner) { try body(UnsafeBufferPointer(start: base, count: count)) }
        }

        /// The values as a new array.
        public var array: [Float] { withUnsafeBufferPointer { Array($0) } }

        private final class Storage {
            let pointer: UnsafeMutablePointer<Float>
            init(_ values: [Float]) {
                pointer = .allocate(capacity: max(values.count, 1))
                values.withUnsafeBufferPointer { if let b = $0.baseAddress { pointer.initialize(from: b, count: values.count) } }
            }
            deinit { pointer.deallocate() }
        }
    }
}

extension SafetensorsFile {
    /// The tensor `name` checked against `shape`: a view into the mapping when it is little-endian F32 and
    /// 4-byte aligned, else a converted copy.
    func tensor(_ name: String, shape: [Int]) throws -> Bert.Tensor {
        if let view = try f32View(name, shape: shape) {
            return Bert.Tensor(viewing: view.base, count: view.count, owner: self)
        }
        return Bert.Tensor(try floats(name, shape: shape))
    }
}
