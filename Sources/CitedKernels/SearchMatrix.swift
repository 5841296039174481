import CCitedKernels
import Foundation

/// Unit vectors `(rows, dims)` in one contiguous fp32 block, with the derived int8 codes and 2-bit
/// fast-scan codes that the fast passes read. The memory is owned (allocated) or borrowed from a mapped file.
public final class SearchMatrix: @unchecked Sendable {
    /// Byte offsets of each section inside one block; every section starts on a 64-byte boundary.
    public struct Layout: Equatable, Sendable {
        public let rows: Int
        public let dims: Int
        /// Bytes of 2-bit codes per row, and 32-row blocks of them.
        public var codeBytes: Int { cited_fastscan_row_bytes(dims) }
        public var blockCount: Int { (rows + 31) / 32 }
        public let vectors: Int   // Float (rows, dims)
        public let codes: Int     // UInt8 (rows, dims), int8 biased by +128
        public let scale: Int     // Float (rows)
        public let resid: Int     // Float (rows)
        public let qnorm: Int     // Float (rows)
        public let levels: Int    // Float (dims, 4): each dimension's 2-bit reconstruction levels
        public let blocks: Int    // UInt8 (blockCount, codeBytes, 32): 2-bit codes, 32 rows per block
        public let byteCount: Int

        public init(rows: Int, dims: Int) {
            precondition(rows >= 0 && dims > 0, "SearchMatrix needs dims > 0")
            func align(_ x: Int) -> Int { (x + 63) & ~63 }
            self.rows = rows
            self.dims = dims
            vectors = 0
            codes = align(vectors + rows * dims * 4)
            scale = align(codes + rows * dims)
            resid = align(scale + rows * 4)
            qnorm = align(resid + rows * 4)
            levels = align(qnorm + rows * 4)
            blocks = align(levels + dims * 16)
            byteCount = align(blocks + (rows + 31) / 32 * cited_fastscan_row_bytes(dims) * 32)
        }
    }

    public let layout: Layout
    public var rows: Int { layout.rows }
    public var dims: Int { layout.dims }
    public let base: UnsafeRawPointer
    private let release: () -> Void

    public var vectors: UnsafePointer<Float> { (base + layout.vectors).assumingMemoryBound(to: Float.self) }
    var codes: UnsafePointer<UInt8> { (base + layout.codes).assumingMemoryBound(to: UInt8.self) }
    var scale: UnsafePointer<Float> { (base + layout.scale).assumingMemoryBound(to: Float.self) }
    var resid: UnsafePointer<Float> { (base + layout.resid).assumingMemoryBound(to: Float.self) }
    var qnorm: UnsafePointer<Float> { (base + layout.qnorm).assumingMemoryBound(to: Float.self) }
    var levels: UnsafePointer<Float> { (base + layout.levels).assumingMemoryBound(to: Float.self) }
    var blocks: UnsafePointer<UInt8> { (base + layout.blocks).assumingMemoryBound(to: UInt8.self) }

    /// Wraps a block already holding every section (e.g. a mapped sidecar file); `release` frees it.
    public init(base: UnsafeRawPointer, layout: Layout, release: @escaping () -> Void) {
        self.base = base
        self.layout = layout
        self.release = release
    }

    /// Copies `vectors` `(rows, dims)` into a new block and derives the codes.
    public convenience init(vectors: UnsafeBufferPointer<Float>, dims: Int) {
        let (block, layout) = SearchMatrix.makeBlock(vectors, dims: dims)
        self.init(base: UnsafeRawPointer(block), layout: layout, release: { block.deallocate() })
    }

    /// Copies `vectors` `(rows, dims)` into a new block and derives the codes.
    public convenience init(vectors: [Float], dims: Int) {
        let (block, layout) = vectors.withUnsafeBufferPointer { SearchMatrix.makeBlock($0, dims: dims) }
        self.init(base: UnsafeRawPointer(block), layout: layout, release: { block.deallocate() })
    }

    private static func makeBlock(_ vectors: UnsafeBufferPointer<Float>, dims: Int)
        -> (UnsafeMutableRawPointer, Layout) {
        precondition(vectors.count % dims == 0, "vector count \(vectors.count) is not a multiple of \(dims)")
        let layout = Layout(rows: vectors.count / dims, dims: dims)
        let block = UnsafeMutableRawPointer.allocate(byteCount: max(layout.byteCount, 64), alignment: 64)
        if layout.rows > 0 {
            block.copyMemory(from: vectors.baseAddress!, byteCount: vectors.count * 4)
        }
        deriveSections(in: block, layout: layout)
        return (block, layout)
    }

    deinit { release() }

    /// Fills the codes, scales, error norms and 2-bit codes of a block whose vectors are already in place.
    public static func deriveSections(in block: UnsafeMutableRawPointer, layout: Layout) {
        guard layout.rows > 0 else { return }
        let v = (block + layout.vectors).assumingMemoryBound(to: Float.self)
        cited_quantize_rows_u8(v, layout.rows, layout.dims,
                               (block + layout.codes).assumingMemoryBound(to: UInt8.self),
                               (block + layout.scale).assumingMemoryBound(to: Float.self),
                               (block + layout.resid).assumingMemoryBound(to: Float.self),
                               (block + layout.qnorm).assumingMemoryBound(to: Float.self))
        var cuts = [Float](repeating: 0, count: layout.dims * 3)
        cited_fastscan_train(v, layout.rows, layout.dims, (block + layout.levels).assumingMemoryBound(to: Float.self), &cuts)
        cited_fastscan_pack(v, layout.rows, layout.dims, cuts, (block + layout.blocks).assumingMemoryBound(to: UInt8.self))
    }

    /// Row `i` as a new array (for display and tests).
    public func row(_ i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: vectors + i * dims, count: dims))
    }
}
