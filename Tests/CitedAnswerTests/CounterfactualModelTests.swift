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

    @Test("A variant preferred at its first token is read on: the faithful sentence keeps its name")
    func readsOn() throws {
        let model = try Self.model()
        // The verifier set's clin-027-para (tune), whose faithful sentence the first token alone rejected.
        let source = "The cut-off values for NLR and SII by the ROC analysis were 3.65 (sensitivity 60.4; specificity "
            + "63.0) and 884 (sensitivity 64.4; specificity 67.5), respectively. The median overall survival (OS) "
            + "was 14.7 months for NLR <3.65 [95% confidence interval (CI) 9.9-not reached (NR)] versus 6.0 months "
            + "for NLR ≥3.65 (95% CI 3.9-9.4); 14.7 months for SII <884 (95% CI 10.6-NR) versus 6.0 months for SII "
            + "≥884 (95% CI 3.7-8.6). The combination of SII, PD-L1, and LDH stratified OS better than SII plus "
            + "PD-L1 through better identification of patients with intermediate prognosis (77% versus 48%, "
            + "respectively). Multivariate analyses confirmed significant correlations with OS and progression-free "
            + "survival for both the SII + PD-L1 + LDH and SII + PD-L1 combinations."
        let claim = "Patients with an NLR below 3.65 had a median overall survival of 14.7 months, against 6.0 months when "
            + "NLR was 3.65 or higher."
        var firstTokens: [Counterfactual.Finding] = []
        model.onCounterfactualCheck = { firstTokens.append($0) }
        let finding = try #require(try model.counterfactual(claim: claim, source: source,
                                                            slots: Counterfactual.slots(in: claim, source: source)))
        let limit = VerificationPolicy().counterfactualMargin
        // At its first token "an OS below 3.65" is the likelier; read on, the source's "NLR" is.
        let opening = try #require(firstTokens.max { $0.margin < $1.margin })
        #expect(opening.margin > limit, "first-token margin \(opening.margin) for \(opening.alternative)")
        #expect(finding.margin <= limit, "margin read on \(finding.margin) for \(finding.alternative)")
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
