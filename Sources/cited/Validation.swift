import ArgumentParser

/// Throws a usage error (exit 2) unless `value` lies in `range`: every integer or threshold a command takes is
/// bounded before it sizes a buffer or a loop. NaN is outside every range.
func requireRange<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ option: String) throws {
    guard range.contains(value) else {
        throw ValidationError("\(option) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))")
    }
}

/// Bounds shared by several commands.
enum OptionRanges {
    static let k = 1...1000
    static let threads = 1...256
    static let cosine: ClosedRange<Float> = 0...1
}
