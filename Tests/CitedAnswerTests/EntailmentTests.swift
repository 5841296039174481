import Testing
@testable import CitedAnswer

/// Each rule of `Entailment` on a passage and sentences that keep, or break, its meaning.
@Suite("Entailment: contradictions the overlap test cannot see")
struct EntailmentTests {
    static let trial = """
        Mortality at 30 days was 12% with dexmedetomidine and 20% with placebo. Delirium was lower with \
        dexmedetomidine than with placebo (OR 0.55, 95% CI 0.40-0.75). The length of stay did not differ between groups.
        """

    func rule(_ sentence: String, _ passage: String = trial, isCommon: ((String) -> Bool)? = nil) -> VerificationRule? {
        Entailment.violation(of: sentence, in: [passage], context: "", isCommon: isCommon)?.rule
    }

    @Test("Faithful sentences, copied or reworded, pass every rule")
    func faithful() {
        #expect(rule("Delirium was lower with dexmedetomidine than with placebo (OR 0.55).") == nil)
        #expect(rule("With placebo, delirium was higher than with dexmedetomidine.") == nil)
        #expect(rule("Mortality at 30 days was 12% with dexmedetomidine and 20% with placebo.") == nil)
        #expect(rule("The length of stay did not differ between the groups.") == nil)
        #expect(rule("Length of stay was similar in both groups.") == nil)
    }

    @Test("A denied statement, or a stated one denied, is a negation")
    func negation() {
        #expect(rule("The length of stay differed between groups.") == .negation)
        #expect(rule("Delirium was not lower with dexmedetomidine than with placebo.") == .negation)
    }

    @Test("A reversed direction, and swapped sides of a comparison, are caught; both at once are a paraphrase")
    func directionAndComparison() {
        #expect(rule("Delirium was higher with dexmedetomidine than with placebo.") == .direction)
        #expect(rule("Delirium was lower with placebo than with dexmedetomidine.") == .comparison)
        let heap = "The push/pop combination returns the smaller of the two values, leaving the larger value on the heap."
        #expect(rule("The push/pop combination returns the larger of the two values, leaving the smaller value on the heap.", heap) == .direction)
    }

    @Test("A number given to another group is caught, by word and by order")
    func numberBinding() {
        #expect(rule("Mortality at 30 days was 20% with dexmedetomidine and 12% with placebo.") == .numberBinding)
        let covariates = "Covariates associated with HA included age (OR: 1.02, 95% CI: 1.01-1.04) and body mass index (OR: 1.06, 95% CI: 1.05-1.08)."
        #expect(rule("Covariates associated with HA included age (OR: 1.06) and body mass index (OR: 1.02).", covariates) == .numberBinding)
        #expect(rule("Covariates associated with HA included age (OR: 1.02) and body mass index (OR: 1.06).", covariates) == nil)
        // A copied statement that repeats its words ("mg", "respectively") keeps every number where it was.
        let doses = "Older patients had lower median doses of pazopanib, 300 mg vs. 400 mg vs. 600 mg, respectively, " +
            "(p < 0.001), and sunitinib, 25 mg vs. 37.5 mg vs. 50 mg, respectively (p < 0.001)."
        #expect(rule("Older patients had lower median doses of pazopanib, 300 mg vs. 400 mg vs. 600 mg, respectively, " +
                     "(p < 0.001), and sunitinib, 25 mg vs. 37.5 mg vs. 50 mg.", doses) == nil)
        #expect(rule("Older patients had lower median doses of pazopanib, 300 mg vs. 400 mg vs. 600 mg, respectively, " +
                     "(p < 0.001), and sunitinib, 25 mg vs. 0.001 mg vs. 50 mg, respectively (p < 37.5).", doses) != nil)
    }

    @Test("Another name in the passage's own statement, or a name it never gives, is caught")
    func names() {
        let docs = "`solve` is an older, more mature general function for solving many types of equations. `solveset` is newer."
        #expect(rule("`solveset` is an older, more mature general function for solving many types of equations.", docs) == .novelName)
        let common: (String) -> Bool = { ["delirium", "placebo", "mortality", "lower"].contains($0) }
        #expect(rule("Delirium was lower with haloperidol than with placebo.", isCommon: common) == .novelName)
    }

    @Test("A study's aim stated as its finding is caught; the finding itself passes")
    func aim() {
        let aims = "This study aimed to test whether poly-gamma-glutamic acid and vitamin B6 supplements improve sleep " +
            "duration and quality. Participants took the supplements for 8 weeks."
        #expect(rule("Poly-gamma-glutamic acid and vitamin B6 supplements improve sleep duration and quality.", aims) == .aim)
        #expect(rule("The study tested whether poly-gamma-glutamic acid and vitamin B6 supplements improve sleep " +
                     "duration and quality, it aimed to test whether they do.", aims) == nil)
        let found = aims + " Poly-gamma-glutamic acid and vitamin B6 supplements improved sleep duration and quality."
        #expect(rule("Poly-gamma-glutamic acid and vitamin B6 supplements improve sleep duration and quality.", found) == nil)
    }

    @Test("A widened claim is a generalisation")
    func generalisation() {
        #expect(rule("Delirium was lower with dexmedetomidine than with placebo in all patients.") == .generalisation)
    }

    @Test("Numbers: a raised decimal point and ordinals read as numbers")
    func numbers() {
        #expect(KeyTerms.extract("OR 2·61 at the 100th percentile").numbers == ["2.61", "100"])
    }
}
