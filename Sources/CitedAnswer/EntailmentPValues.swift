import Foundation

extension Entailment {
    /// A P value belongs to the comparison whose figures it follows: "sunitinib, 25 mg vs. 37.5 mg vs. 50 mg,
    /// respectively (p < 0.001); … fewer doses of CPI, median 2 vs. 5 vs. 5 (p = 0.2)" backs no "25 mg vs. 37.5 mg
    /// vs. 50 mg (p < 0.2)". Each figure of that sentence is the passage's, so the rules on figures pass it.
    enum PValues {
        /// One "p < 0.001" and the last figures written before it (after the previous P value).
        struct Test: Equatable {
            var figures: [Double]
            var comparator: String
            var value: Double
            var written: String
        }

        /// The claim's P value and the passage's for the same figures, when the passage gives those figures
        /// only other P values.
        static func misbound(_ claim: Unit, passages: [Unit]) -> (claimed: String, stated: String)? {
            let stated = passages.flatMap { tests(in: $0.text) }
            for test in tests(in: claim.text) where !test.figures.isEmpty {
                let same = stated.filter { $0.figures.suffix(test.figures.count).elementsEqual(test.figures) }
                guard let first = same.first,
                      !same.contains(where: { $0.comparator == test.comparator && $0.value == test.value }) else { continue }
                return (test.written, first.written)
            }
            return nil
        }

        /// The last this many figures before a P value name its comparison ("12% vs 20%"), whatever the sentence
        /// said before them.
        static let figuresPerTest = 2

        /// The P values of `text`, each with the figures before it.
        static func tests(in text: String) -> [Test] {
            let whole = NSRange(text.startIndex..., in: text)
            var found: [Test] = []
            var start = text.startIndex
            for match in pattern.matches(in: text, range: whole) {
                guard let range = Range(match.range, in: text), let comparatorRange = Range(match.range(at: 1), in: text),
                      let valueRange = Range(match.range(at: 2), in: text),
                      let value = Double(text[valueRange].hasPrefix(".") ? "0" + text[valueRange] : String(text[valueRange]))
                else { continue }
                let before = String(text[start..<range.lowerBound])
                let figures = figure.matches(in: before, range: NSRange(before.startIndex..., in: before)).compactMap { match in
                    Range(match.range, in: before).flatMap { Double(before[$0]) }
                }
                found.append(Test(figures: Array(figures.suffix(figuresPerTest)), comparator: comparators[String(text[comparatorRange])]
                                    ?? String(text[comparatorRange]), value: value, written: String(text[range])))
                start = range.upperBound
            }
            return found
        }

        /// "p < 0.001", "P=.02", "p ≤ 0.05"; the comparator and the value are captured.
        static let pattern = try! NSRegularExpression(pattern: #"(?<![A-Za-z])[pP]\s*(<=|>=|=|<|>|≤|≥)\s*(\d*\.?\d+)"#)
        /// A figure: digits, with a decimal part.
        static let figure = try! NSRegularExpression(pattern: #"(?<![A-Za-z\d.])\d+(?:\.\d+)?"#)
        /// Comparators written two ways.
        static let comparators = ["<=": "≤", ">=": "≥"]
    }
}
