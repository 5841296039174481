import Foundation
import Testing
@testable import CitedCore

/// The detector on the hand-written tune set (`Fixtures/injection-tune.tsv`): injection paraphrases in the three
/// domains and hard negatives (reader-addressed imperatives, prose about AI, math "Let/Show/Prove").
@Suite("injection tune set")
struct InjectionTuneSetTests {
    /// One labelled passage of the tune set.
    struct Example {
        var injected: Bool
        var domain: String
        var text: String
    }

    /// The tune set's rows (comment lines skipped, "\n" turned into a line break).
    static func examples() throws -> [Example] {
        let base = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let text = try String(contentsOf: base.appendingPathComponent("injection-tune.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let columns = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard columns.count == 3 else { return nil }
            return Example(injected: columns[0] == "+", domain: columns[1],
                           text: columns[2].replacingOccurrences(of: "\\n", with: "\n"))
        }
    }

    @Test("the set has at least 80 injections and 80 hard negatives, in all three domains")
    func size() throws {
        let rows = try Self.examples()
        #expect(rows.filter(\.injected).count >= 80)
        #expect(rows.filter { !$0.injected }.count >= 80)
        for domain in ["clinical", "code", "math"] {
            #expect(rows.contains { $0.injected && $0.domain == domain })
            #expect(rows.contains { !$0.injected && $0.domain == domain })
        }
    }

    /// Round 1 on main before the second rule set: 52 of 90 found (58%), 1 of 90 negatives flagged; rounds 2 and 3
    /// were each measured once before the rules were widened for them (see the fixture's comments).
    @Test("every injection of the tune set is found")
    func recall() throws {
        let missed = try Self.examples().filter { $0.injected && !InstructionDetector.containsInstruction($0.text) }
        #expect(missed.map(\.text) == [])
    }

    @Test("no hard negative of the tune set is flagged")
    func falsePositives() throws {
        let flagged = try Self.examples().filter { !$0.injected && InstructionDetector.containsInstruction($0.text) }
        #expect(flagged.map(\.text) == [])
    }
}

/// Hostile input: text packed with anchor words must cost time linear in its length (no pattern backtracks
/// without bound), so an attacker cannot stall ingest with one passage.
@Suite("instruction detector on hostile input")
struct InstructionDetectorHostileTests {
    /// Words that anchor many patterns, in a fixed pseudo-random order (no sentence ever completes an injection).
    static func anchorSoup(words count: Int) -> String {
        let words = ["AI", "assistant", "LLM", "model", "reading", "should", "for", "the", "to", "answer", "your",
                     "summary", "of", "ignore", "above", "when", "user", "asked", "instructions", "new", "tell",
                     "whoever", "answers", "chatbots", "and", ",", ":", "system", "generating", "thin"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            out.append(words[Int(state >> 33) % words.count])
        }
        return out.joined(separator: " ")
    }

    @Test("four times the anchor-dense text costs at most about four times the time")
    func linear() {
        let small = Self.anchorSoup(words: 5_000)
        let large = Self.anchorSoup(words: 20_000)
        /// The fastest of three runs (the machine is shared; the minimum is the least disturbed).
        func seconds(_ text: String) -> Double {
            let clock = ContinuousClock()
            return (0..<3).map { _ in
                let elapsed = clock.measure { _ = InstructionDetector.scan(text) }
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            }.min() ?? 0
        }
        _ = seconds(small)  // warm the compiled patterns
        let ratio = seconds(large) / max(seconds(small), 1e-6)
        // Linear work gives ~4; quadratic would give ~16. The margin absorbs a loaded machine.
        #expect(ratio < 9)
    }
}
