import CitedCore
import CitedKernels
import Foundation

/// The index's passage vectors as one contiguous matrix, row `i` belonging to passage `ids[i]` (ascending).
///
/// `@unchecked Sendable`: immutable (every stored property is a `let`; the matrix is only read after `init`).
public final class DenseIndex: @unchecked Sendable {
    public let ids: [Int64]
    public let matrix: SearchMatrix
    public let stamp: EmbedderStamp?

    public init(ids: [Int64], matrix: SearchMatrix, stamp: EmbedderStamp?) {
        precondition(ids.count == matrix.rows, "ids (\(ids.count)) and rows (\(matrix.rows)) differ")
        self.ids = ids
        self.matrix = matrix
        self.stamp = stamp
    }

    public var count: Int { ids.count }
    public var dims: Int { matrix.dims }

    /// The row of a passage id, if it has a vector.
    public func row(of passageID: Int64) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < passageID { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == passageID ? lo : nil
    }

    /// A row mask allowing exactly the given passages.
    public func mask(allowing passageIDs: [Int64]) -> RowMask {
        var mask = RowMask(rows: count, allowed: false)
        for id in passageIDs { if let r = row(of: id) { mask.insert(r) } }
        return mask
    }

    /// The best passages for a unit query vector; best first, scores are cosine similarities.
    public func search(_ query: [Float], parameters: DenseSearchParameters, mask: RowMask? = nil)
        -> [(passageID: Int64, score: Float)] {
        matrix.search(query, parameters: parameters, mask: mask).map { (ids[$0.row], $0.score) }
    }
}
