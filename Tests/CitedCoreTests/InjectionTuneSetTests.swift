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
