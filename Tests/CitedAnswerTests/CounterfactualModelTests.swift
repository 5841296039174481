import CitedGenerate
import CitedModel
import Foundation
import Testing
@testable import CitedAnswer

@Suite("Counterfactual test with a real model", .serialized)
struct CounterfactualModelTests {
    static let source = "In the tamsulosin group, postoperative urinary retention occurred in 8.8% of women; in the placebo "
        + "group it occurred in 25.8% (P = .01). Voiding trials were passed sooner with tamsulosin."
    static let faithful = "Retention occurred in 8.8% of women given tamsulosin and in 25.8% given placebo."
    static let swapped = "Retention occurred in 25.8% of women given tamsulosin and in 8.8% given placebo."

    static func model() throws -> GGUFAnswerModel {
        try GGUFAnswerModel(url: LanguageModelLocator.resolve("qwen2.5-coder-0.5b"), contextLength: 1024,
                            promptCache: PromptCache(directory: nil))
    }

    static func margin(_ model: GGUFAnswerModel, _ claim: String) throws -> Float {
        let slots = Counterfactual.slots(in: claim, source: source)
        return try #require(try model.counterfactual(claim: claim, source: source, slots: slots)).margin
    }

    @Test("Qwen2.5-Coder-0.5B, having read the source, keeps the faithful numbers and scores their swap worse")
    func bindsNumbers() throws {
        let model = try Self.model()
        let limit = VerificationPolicy().counterfactualMargin
        let faithful = try Self.margin(model, Self.faithful)
        let swapped = try Self.margin(model, Self.swapped)
        // The faithful sentence passes; its swap scores clearly worse. (At the default margin this swap still
        // passes: the 0.5B model prefers the right number by less than the margin; see RESULTS.md.)
        #expect(faithful <= limit, "faithful margin \(faithful)")
        #expect(swapped > faithful + 1, "faithful \(faithful), swapped \(swapped)")
    }

    @Test("A test that reuses the source's cached tokens scores as a fresh one does")
    func reusedSource() throws {
        let model = try Self.model()
        _ = try Self.margin(model, Self.faithful)
        let reused = try Self.margin(model, Self.swapped)
        let fresh = try Self.margin(try Self.model(), Self.swapped)
        #expect(abs(reused - fresh) < 1e-3, "reused \(reused), fresh \(fresh)")
    }
}
