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

    @Test("A denial reaches past adverbs, and past \"non-\"; a difference found against none found")
    func widerDenials() {
        let mortality = "30-day mortality, adjusted for age group and sex, was not statistically significantly different for "
            + "cases involving Indigenous or non-Indigenous patients (adjusted odds ratio, 0.8)."
        #expect(rule("Adjusted 30-day mortality was significantly different for cases involving Indigenous and non-Indigenous patients.",
                     mortality) == .negation)
        #expect(rule("Adjusted 30-day mortality did not differ significantly between Indigenous and non-Indigenous patients.",
                     mortality) == nil)
        let code = "check_call and check_output will raise CalledProcessError if the called process returns a non-zero return code."
        #expect(rule("check_call and check_output will raise CalledProcessError if the called process returns a zero return code.",
                     code) == .negation)
        #expect(rule("check_call raises CalledProcessError when the called process returns a non-zero return code.", code) == nil)
        // A word that only shares the letters of a "non-" compound is no denial of it.
        let lung = "In non-small-cell lung cancer, the response rate showed a small rise with the new regimen (12% vs 10%)."
        #expect(Entailment.Negation.prefixed(.init("The response rate showed a small rise with the new regimen."), .init(lung)) == nil)
        let groups = "Cognitive and Neuro-QOL metrics were similar between groups."
        #expect(rule("Cognitive and Neuro-QOL metrics differed significantly between groups.", groups) == .negation)
        #expect(rule("Cognitive and Neuro-QOL metrics did not differ between groups.", groups) == nil)
        let differed = "Cognitive metrics differed significantly between groups, while sleep was similar."
        #expect(rule("Cognitive metrics differed significantly between the groups.", differed) == nil)
    }

    @Test("An association the passage denies \"but\" for one outcome is not claimed for it")
    func deniedAssociation() {
        let statins = "A total of 28 observational studies, covering data from 63,537 individuals with COVID-19, were included. "
            + "The use of statins was significantly associated with decreased mortality (OR = 0.71) and the need for "
            + "IMV (OR = 0.81) but was not linked to the need for ICU care (OR = 0.91)."
        #expect(rule("Statin use was associated with a lower need for ICU care as well as lower mortality and less need for IMV.",
                     statins) == .negation)
        #expect(rule("Statin use was associated with lower mortality and less need for IMV.", statins) == nil)
    }

    @Test("A change its own figures contradict, and a direction turned past a word both sentences share, are caught")
    func figuresAgainstTheirWords() {
        let lvef = "After ablation, median LVEF increased from 40% (IQR 33-41) to 58% (IQR 55-62) (p<0.01)."
        #expect(rule("After ablation, median LVEF decreased from 40% (IQR 33-41) to 58% (IQR 55-62) (p<0.01).", lvef) == .direction)
        #expect(rule("After ablation, median LVEF rose from 40% to 58%.", lvef) == nil)
        #expect(Entailment.Arithmetic.inconsistency(.init("Scores decreased from baseline to 12 weeks (8.79 vs 7.57).")) == nil)
        let thorough = "The intervention group was significantly more likely to display a Thorough pattern than controls "
            + "(21/78, 27% vs 6/70, 9%)."
        #expect(rule("The intervention group was significantly less likely to display a Thorough pattern than controls "
                     + "(21/78, 27% vs 6/70, 9%).", thorough) == .direction)
        #expect(rule(thorough, thorough) == nil)
        #expect(Entailment.Arithmetic.inconsistency(.init("The intervention group was less likely to display it than controls "
                                                          + "(21/78, 27% vs 6/70, 9%).")) != nil)
        // An odds ratio is not an amount of change.
        let tnt = "TNT was associated with a higher pathologic complete response rate (OR 1.77, 95% CI 1.45-2.16) and "
            + "improved disease-free survival (HR, 0.83; 95% CI, 0.72-0.96)."
        #expect(rule("TNT improved pathologic complete response and disease-free survival by 1.77 (HR, 0.83).", tnt) == .numberBinding)
        #expect(rule("TNT improved pathologic complete response (OR 1.77) and disease-free survival (HR 0.83).", tnt) == nil)
        #expect(rule("The response rate rose by 1.77 points.", "The response rate rose by 1.77 points (OR 1.77).") == nil)
        let coil = "Minimum inverse g-factor value of the 10.5T-32Rx (min[1/g] = 0.56) was 51% higher than that of the 7T-32Rx."
        #expect(rule("The minimum inverse g-factor value of the 10.5T-32Rx was 51% lower than that of the 7T-32Rx.", coil) == .direction)
        #expect(rule("The minimum inverse g-factor value of the 7T-32Rx was lower than that of the 10.5T-32Rx.", coil) == nil)
    }

    @Test("Figures given to a group and its negation must stay with their groups; figures keep the words of their own sentence")
    func groupsAndHomeSentence() {
        let relapse = "The rate of relapse was also significantly lower in patients with routine-use protocol of MGT (31.2%; "
            + "95% CI, 27.5-34.8%) than in patients with no MGT protocol (44.1%; 95% CI, 35.8-52.4%)."
        #expect(rule("Relapse was less frequent without any MGT protocol (31.2%) than with a routine MGT protocol (44.1%).", relapse) == .numberBinding)
        #expect(rule("Relapse was less frequent with a routine MGT protocol (31.2%) than without any MGT protocol (44.1%).", relapse) == nil)
        #expect(Entailment.Groups.figures("Rates were higher in smokers (12%) than in non-smokers (8%), 31% vs 20% overall.").map(\.negated)
                == [false, true])
        // A ranking of two groups without figures must agree with the figures the passage gives them.
        let wic = "In stratified analyses, WIC participation increased by 7.22% among pregnant and postpartum women (95% CI, "
            + "2.54%-12.12%), 4.96% among infants younger than 1 year (95% CI, 0.95%-9.12%), and 9.12% among children aged "
            + "1 to 4 years (95% CI, 3.19%-15.39%; P for interaction = .20)."
        #expect(rule("In stratified analyses, WIC participation increased more among infants younger than 1 year than among "
                     + "children aged 1 to 4 years.", wic) == .comparison)
        #expect(rule("In stratified analyses, WIC participation increased more among children aged 1 to 4 years than among "
                     + "infants younger than 1 year.", wic) == nil)
        #expect(rule("In stratified analyses, participation grew more among children than among pregnant women.", wic) == nil)
        // "younger than 1 year" bounds an age; it sets no sides against each other ("years" and "year" share a stem).
        #expect(Entailment.Comparison.sides(.init("4.96% among infants younger than 1 year and 9.12% among children")) == nil)
        #expect(Entailment.Comparison.sides(.init("Relapse was lower with drug Q than with placebo."))?.object == ["place"])
        #expect(Entailment.Groups.valued(.init("Rates were 12% in smokers and 8% in nonsmokers (95% CI 6-10), years (95% CI)."))
                    .mapValues(\.value) == ["smokers": 12, "nonsmokers": 8])
        // The figures' own sentence gives each to its word, whichever sentence the claim's words match best.
        let statins = "A total of 28 observational studies, covering data from 63,537 individuals with COVID-19, were included. "
            + "The use of statins was significantly associated with decreased mortality (odds ratio [OR] = 0.71, 95% "
            + "confidence interval [CI]: 0.55-0.92, I2=72%) and the need for IMV (OR = 0.81, 95% CI: 0.69-0.95, I2=0%). "
            + "Subgroup analysis further identified five types of studies in which statin users had even lower odds of death."
        #expect(rule("Across 28 studies, statin users with COVID-19 had lower odds of death (OR 0.81) and of needing IMV (OR 0.71).", statins)
                == .numberBinding)
        #expect(rule("Across 28 studies, statin users with COVID-19 had lower odds of death (OR 0.71) and of needing IMV (OR 0.81).", statins)
                == nil)
    }

    @Test("A type named for another, and a function's behaviour given to the one its entry only compares it with")
    func codeNames() {
        let namedtuple = "Returns a new tuple subclass named *typename*. The new subclass is used to create tuple-like objects."
        #expect(rule(":func:`namedtuple` returns a new list subclass named *typename*.", namedtuple) == .novelName)
        #expect(rule(":func:`namedtuple` returns a new tuple subclass named *typename*.", namedtuple) == nil)
        #expect(rule("namedtuple returns a new tuples subclass named *typename*.", namedtuple) == nil, "one type, two spellings")
        let right = "Similar to :func:`bisect_left`, but returns an insertion point which comes after (to the right of) any "
            + "existing entries of *x* in *a*."
        #expect(rule("bisect_left gives an insertion point to the right of any existing entries of x.", right) == .novelName)
        #expect(rule("bisect_right is similar to bisect_left but gives an insertion point to the right of existing entries of x.",
                     right) == nil)
        // A name the passage states something of directly is no comparison.
        #expect(Entailment.CodeNames.comparedOnly(.init("heapq.nsmallest returns the n smallest elements of the dataset."),
                                                  passages: [.init("heapq.nsmallest returns a list with the n smallest elements.")]) == nil)
    }

    @Test("One denial worded two ways is no conflict; a figure borrowed from another measure is caught")
    func sameDenialAndBorrowedFigure() {
        let meta = "Compared with placebo, PCSK9 mAbs significantly reduced the risk of major adverse cardiac events (MACEs) "
            + "(RR 0.83, 95% CI 0.79 to 0.88). Compared with placebo, PCSK9 mAbs significantly reduced the incidence of "
            + "stroke (RR 0.75, 95% CI 0.66 to 0.86), but not the risk of cardiovascular death (RR 0.96)."
        #expect(rule("Against placebo, PCSK9 antibodies lowered the incidence of stroke (RR 0.75), but not of cardiovascular death.",
                     meta) == nil)
        #expect(rule("Against placebo, PCSK9 antibodies lowered the risk of major adverse cardiac events (RR 0.75).", meta)
                    == .numberBinding)
        #expect(rule("Against placebo, PCSK9 antibodies lowered the risk of major adverse cardiac events (RR 0.83).", meta) == nil)
        #expect(Entailment.Binding.abbreviates("maces", ["risk", "of", "major", "adverse", "cardiac", "events"]))
        #expect(!Entailment.Binding.abbreviates("stroke", ["the", "incidence", "of", "myocardial", "infarction", "and"]))
    }

    @Test("Figures measured against one comparator, claimed against another the passage reports, are caught")
    func otherComparator() {
        let meta = "Compared with placebo, PCSK9 mAbs significantly reduced the risk of MACEs (RR 0.83, 95% CI 0.79 to 0.88). "
            + "No difference was observed in MACEs between PCSK9 mAbs and ezetimibe (RR 0.70, 95% CI 0.40 to 1.20)."
        #expect(rule("Compared with ezetimibe, PCSK9 mAbs significantly reduced the risk of MACEs (RR 0.83, 95% CI 0.79 to 0.88).",
                     meta) == .numberBinding)
        #expect(rule("Versus placebo, PCSK9 mAbs reduced the risk of MACEs (RR 0.83, 95% CI 0.79 to 0.88).", meta) == nil)
        // A comparator the passage gives no figures for is a rewording, not another arm.
        let care = "Compared with the control group, relapse fell (RR 0.49, 95% CI 0.27-0.88). Controls received usual care."
        #expect(rule("Compared with usual care, relapse fell (RR 0.49, 95% CI 0.27-0.88).", care) == nil)
    }

    @Test("A name put in the place of another the passage reports is caught, given a vocabulary")
    func swappedUncommonName() {
        let passage = "Using multiple reference periods, varenicline was associated with an increased risk of self-harm "
            + "(OR = 1.32) but a reduction in all-cause death (OR = 0.75, 95% CI = 0.61-0.93). NRT was associated with MI "
            + "(OR = 1.54)."
        let common: (String) -> Bool = { !["varenicline", "nrt"].contains($0) }
        #expect(rule("Using multiple reference periods, NRT was associated with a reduction in all-cause death (OR = 0.75).",
                     passage, isCommon: common) == .novelName)
        #expect(rule("Using multiple reference periods, varenicline was associated with a reduction in all-cause death (OR = 0.75).",
                     passage, isCommon: common) == nil)
    }

    @Test("A reversed direction, and swapped sides of a comparison, are caught; both at once are a paraphrase")
    func directionAndComparison() {
        #expect(rule("Delirium was higher with dexmedetomidine than with placebo.") == .direction)
        #expect(rule("Delirium was lower with placebo than with dexmedetomidine.") == .comparison)
        let heap = "The push/pop combination returns the smaller of the two values, leaving the larger value on the heap."
        #expect(rule("The push/pop combination returns the larger of the two values, leaving the smaller value on the heap.", heap) == .direction)
        // Opposites of code and math, as much a direction as higher and lower.
        let product = "If the equation is a product such as gh = 0, solveset returns the union of the solutions of g = 0 and h = 0."
        #expect(rule("If the equation is a product such as gh = 0, solveset returns the intersection of the solutions of g = 0 and h = 0.",
                     product) == .direction)
        #expect(rule("For a product gh = 0, solveset gives the union of the solutions of g = 0 and of h = 0.", product) == nil)
        // A condition turned round ("unless" for "if") turns the outcome round with it.
        let mode = "If encoding or errors are specified, or text is true, file objects are opened in text mode using the specified encoding."
        #expect(rule("Unless encoding, errors or text is given, file objects are opened in binary mode.", mode) == nil)
        #expect(rule("Unless encoding, errors or text is given, file objects are opened in text mode.", mode) == .direction)
        #expect(rule("If encoding, errors or text is given, file objects are opened in binary mode.", mode) == .direction)
    }

    @Test("Swapped sides are caught past the values a parenthesis lists and a word both sides share")
    func comparisonSides() {
        let block = "Pain at 10 min was lower after forearm block compared to upper-arm block (forearm: 2.0 vs upper-arm: 3.0, p = 0.003)."
        #expect(rule("Pain at 10 min was lower after upper-arm block compared to forearm block (forearm: 2.0 vs upper-arm: 3.0).", block) == .comparison)
        #expect(rule("Pain at 10 min was lower after forearm block compared to upper-arm block (forearm: 2.0 vs upper-arm: 3.0).", block) == nil)
        let sides = Entailment.Comparison.sides(Entailment.Unit(block))
        #expect(sides?.object.contains("upper-arm") == true && sides?.object.contains("forea") == false)
        // A pronoun subject names only the compared-with side.
        let pronoun = "This is more efficient than ``eigenvals``, because sometimes symbolic roots can be expensive to calculate."
        #expect(rule("``eigenvals`` is more efficient than ``charpoly``, because sometimes symbolic roots can be expensive.", pronoun)
                    == .comparison)
        #expect(rule("``eigenvals`` is less efficient than this, because sometimes symbolic roots can be expensive.", pronoun) == nil)
        let mice = "Plasma glucose in treated mice was lower than in control mice."
        #expect(rule("Plasma glucose in control mice was lower than in treated mice.", mice) == .comparison)
        #expect(rule("Plasma glucose was lower in treated mice than in control mice.", mice) == nil)
        // "before" against "after" is a reversed order, not swapped sides.
        let order = "Keyword-only parameters are moved to come after all regular parameters."
        #expect(rule("Keyword-only parameters are moved to come before all regular parameters.", order) == .direction)
    }

    @Test("The passage's sentence with one name put in another's place is caught; an inflection or an ordinary word is not")
    func substitutedName() {
        let markers = "At baseline, responders had lower miR-122-5p (P = 0.006) than non-responders. After therapy, " +
            "miR-320a-3p was higher in responders."
        #expect(rule("At baseline, responders had lower miR-320a-3p (P = 0.006) than non-responders.", markers) == .novelName)
        #expect(rule("At baseline, responders had lower miR-122-5p (P = 0.006) than non-responders.", markers) == nil)
        let docs = "Computing the eigenvectors may be costly, so ``eigenvals`` should be preferred for eigenvalues alone. " +
            "Use ``eigenvects`` for eigenvectors."
        let common: (String) -> Bool = { !["eigenvals", "eigenvects"].contains($0) }
        #expect(rule("Computing the eigenvectors may be costly, so ``eigenvects`` should be preferred for eigenvalues alone.",
                     docs, isCommon: common) == .novelName)
        #expect(Entailment.Substitution.name(Entailment.Unit("Computing the eigenvectors may be costly, so eigenvects should be preferred."),
                                           Entailment.Unit("Computing the eigenvectors may be costly, so eigenvals should be preferred."),
                                           passages: [Entailment.Unit(docs)], isCommon: common)! == ("eigenvects", "eigenvals"))
        // A run of the passage's sentence, copied with the name changed.
        let copy = "On macOS fcopyfile is used. On Linux sendfile is used. On Windows copyfile uses a bigger default buffer " +
            "size (1 MiB instead of 64 KiB) and a memoryview-based variant is used."
        #expect(rule("On Linux copyfile uses a bigger default buffer size (1 MiB instead of 64 KiB).", copy) == .novelName)
        #expect(rule("On Windows copyfile uses a bigger default buffer size (1 MiB instead of 64 KiB).", copy) == nil)
        // An ordinary word in another's place is a paraphrase for the other rules to judge; so is an inflection.
        #expect(Entailment.Substitution.name(Entailment.Unit("Computing the eigenvectors may be expensive, so eigenvals should be preferred."),
                                           Entailment.Unit("Computing the eigenvectors may be costly, so eigenvals should be preferred."),
                                           passages: [Entailment.Unit(docs + " It is expensive.")], isCommon: common) == nil)
        #expect(Entailment.Substitution.name(Entailment.Unit("At baseline, responders had lower miR-122-5p than non-responder."),
                                           Entailment.Unit("At baseline, responders had lower miR-122-5p than non-responders."),
                                           passages: [Entailment.Unit(markers + " non-responder")], isCommon: nil) == nil)
    }

    @Test("The passage's sentence with another number at one place is caught; a rounding is the same number")
    func substitutedNumber() {
        let injury = "Maternal schizophrenia was associated with elevated risk for child injury overall (105.4 vs. " +
            "89.4/1000 person-years (py), aHR 1.08, 95% CI 1.03-1.14), and assault (1.0 vs. 0.3/1000py, 2.29, 1.45-3.62)."
        #expect(rule("Maternal schizophrenia was associated with elevated risk for child injury overall (105.4 vs. " +
                     "89.4/1000 person-years, aHR 2.29, 95% CI 1.03-1.14).", injury) == .numberBinding)
        #expect(rule("Maternal schizophrenia was associated with elevated risk for child injury overall (105.4 vs. " +
                     "89.4/1000 person-years, aHR 1.08, 95% CI 1.03-1.14).", injury) == nil)
        #expect(rule("Maternal schizophrenia was associated with elevated risk for child injury overall (105.4 vs. " +
                     "89.4/1000 person-years, aHR 1.1, 95% CI 1.03-1.14).", injury) == nil)
        // Two numbers trading places between the same words: each place holds another number.
        let markers = "At baseline, responders had lower miR-122-5p (P = 0.006) and higher miR-1307-3p (P = 0.018) " +
            "than non-responders."
        let claim = Entailment.Unit("At baseline, responders had lower miR-122-5p (P = 0.018) and higher miR-1307-3p (P = 0.006) than non-responders.")
        let swapped = Entailment.Substitution.number(claim, replaced: Entailment.Substitution.replacedWords(claim, Entailment.Unit(markers)))
        #expect(swapped! == ("0.018", "0.006"))
        let survival = "The median overall survival (OS) was 14.7 months for NLR <3.65 versus 6.0 months for NLR ≥3.65."
        #expect(rule("The median overall survival (OS) was 14.7 months for NLR <3.65 versus 6.0 months for NLR ≥5.57.",
                     survival) == .numberBinding)
        #expect(Entailment.Substitution.rounds("1.08", to: "1.1") && Entailment.Substitution.rounds("20.2", to: "20"))
        #expect(!Entailment.Substitution.rounds("1.08", to: "1.2") && !Entailment.Substitution.rounds("601", to: "778"))
        // Only a number between the same words, or a sentence bound, counts: a run of the passage leaves a longer tail.
        let differences = Entailment.Substitution.differences(["a", "b", "1", "c"], ["a", "b", "2", "c", "d"])
        #expect(differences.matched == 3 && differences.hunks.map { [$0.0, $0.1] } == [[2..<3, 2..<3]])
        #expect(Entailment.Substitution.differences(["1", "a", "b"], ["2", "a", "b"]).hunks.map { [$0.0, $0.1] } == [[0..<1, 0..<1]])
        #expect(Entailment.Substitution.differences(["a", "b", "1"], ["a", "b", "2", "c"]).hunks.map { [$0.0, $0.1] } == [[2..<3, 2..<4]])
    }

    @Test("Two names of the passage's sentence trading places are caught, unless the passage only joins them")
    func transposedNames() {
        let heap = "This one step operation is more efficient than a heappop followed by heappush and suits a fixed-size heap."
        let common: (String) -> Bool = { !["heappop", "heappush", "heapreplace"].contains($0) }
        #expect(rule("This one step operation is more efficient than a heappush followed by heappop and suits a fixed-size heap.",
                     heap, isCommon: common) == .novelName)
        #expect(rule(heap, heap, isCommon: common) == nil)
        let pair = "Use the heappop and heappush functions of the module to keep a fixed-size heap in order."
        #expect(rule("Use the heappush and heappop functions of the module to keep a fixed-size heap in order.",
                     pair, isCommon: common) == nil)
    }

    @Test("A number given to another group is caught, by word and by order")
    func numberBinding() {
        #expect(rule("Mortality at 30 days was 20% with dexmedetomidine and 12% with placebo.") == .numberBinding)
        // A pair of figures joined by "versus" goes with the comparison's sides: turned with them, or not at all.
        let work = "Patients with complications were less likely to return to work than controls (41% versus 64%, P = 0.04)."
        #expect(rule("Patients with complications and controls returned to work (64% vs 41%).", work) == .numberBinding)
        #expect(rule("Patients with complications returned to work less often than controls (41% vs 64%).", work) == nil)
        #expect(rule("Controls were more likely to return to work than patients with complications (64% vs 41%).", work) == nil)
        let covariates = "Covariates associated with HA included age (OR: 1.02, 95% CI: 1.01-1.04) and body mass index (OR: 1.06, 95% CI: 1.05-1.08)."
        #expect(rule("Covariates associated with HA included age (OR: 1.06) and body mass index (OR: 1.02).", covariates) == .numberBinding)
        #expect(rule("Covariates associated with HA included age (OR: 1.02) and body mass index (OR: 1.06).", covariates) == nil)
        // Worded apart from the passage, the figures still keep the groups of the sentence they come from.
        let risks = "Over 9.5 years, 487 developed the CVD composite and 100 a stroke. MVD was associated with increased " +
            "risks of CVD composite (HR 1.34, 95% CI 1.11-1.61) and stroke (HR 1.55, 95% CI 1.03-2.33)."
        #expect(rule("In type 2 diabetes, microvascular disease was linked to a higher adjusted risk of the CVD composite " +
                     "(HR 1.55) and of stroke (HR 1.34).", risks) == .numberBinding)
        #expect(rule("In type 2 diabetes, microvascular disease was linked to a higher adjusted risk of the CVD composite " +
                     "(HR 1.34) and of stroke (HR 1.55).", risks) == nil)
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
        // One population for another, though both are ordinary words and the passage never names the claim's.
        let isolates = "Isolates from postmortem blood were more often ceftriaxone resistant compared to those from admitted children."
        #expect(rule("Isolates from postmortem blood were more often ceftriaxone resistant compared to those from admitted adults.",
                     isolates) == .novelName)
        #expect(rule("Isolates from postmortem blood were more often ceftriaxone resistant compared to those from admitted child.",
                     isolates) == nil)
        let sexes = "Anxiety scores were higher in adolescent girls than in boys (12.1 vs 9.8)."
        #expect(rule("Anxiety scores were higher in adolescent boys than in girls (12.1 vs 9.8).", sexes) != nil)
        #expect(Entailment.Substitution.population(.init("Anxiety scores were lower in adolescent boys than in girls."),
                                                   .init(sexes)) == nil)
        // A name the passage gives its subject elsewhere, added where its sentence has no other name, is no swap.
        let cohort = "Of 606 COVID-19 patients with complications, 395 survived. In multivariable analysis, patients with " +
            "complications had worse mRS and were less likely to return to work than controls (41% versus 64%)."
        #expect(rule("COVID-19 patients with complications were less likely to return to work than controls (41% vs 64%).", cohort) == nil)
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
        let unknown = "Whether high-grade immune-related adverse events predict longer overall survival in older adults " +
            "remains unknown. The study goal was to determine differences in survival by age."
        #expect(rule("High-grade immune-related adverse events predict longer overall survival in older adults.", unknown) == .aim)
        let review = "The authors performed a meta-analysis of trials comparing WT with GA to determine if there was any "
            + "impact on the serrated polyp detection rate."
        #expect(rule("WT had an impact on the serrated polyp detection rate compared with GA.", review) == .aim)
        let future = "Serum ferritin merits further investigation in large prospective cohorts as a marker of relapse."
        #expect(rule("Serum ferritin is a marker of relapse in large prospective cohorts.", future) == .aim)
    }

    @Test("Figures of one outcome given for another outcome the passage reports separately are caught")
    func borrowedMeasure() {
        let results = "Local recurrence at 3 years was 4.1% (95% CI, 1.0%-7.2%) with surgery and 18.5% (95% CI, " +
            "9.9%-27.1%) with radiotherapy (P = .003). Distant progression at 3 years was 6.2% (95% CI, 1.3%-11.1%) " +
            "with surgery and 12.4% (95% CI, 4.8%-20.0%) with radiotherapy (P = .21)."
        #expect(rule("Local recurrence at 3 years was 6.2% with surgery and 12.4% with radiotherapy (P = .21).", results)
                == .numberBinding)
        #expect(rule("Local recurrence at 3 years was 4.1% with surgery and 18.5% with radiotherapy (P = .003).", results) == nil)
        #expect(rule("Distant progression at 3 years was 6.2% with surgery and 12.4% with radiotherapy.", results) == nil)
        // The word that tells the outcomes apart ("local"), put before another noun.
        #expect(rule("With radiotherapy, local control was better: 6.2% versus 12.4%.", results) == .numberBinding)
        // One outcome's figures given for two, the second of which another sentence reports as an abbreviation.
        let pooled = "The pCR rate improved with TNT (odds ratio, 1.77; 95% CI, 1.28-2.45). TNT also improved DFS " +
            "(HR, 0.83; 95% CI, 0.72-0.96)."
        #expect(rule("TNT improves the pCR rate and disease-free survival by 1.77 (95% CI 1.28-2.45).", pooled) == .numberBinding)
        #expect(rule("TNT improves the pCR rate: odds ratio 1.77 (95% CI 1.28-2.45).", pooled) == nil)
        // The figures' own sentence may name the outcome by its abbreviation only.
        let abbreviated = "Overall survival (OS) was assessed at 2.5 and 5.0 years. Median OS was 21.7 vs. 11.9 months."
        #expect(rule("Median overall survival was 21.7 vs. 11.9 months.", abbreviated) == nil)
        // Words on either side of a comma are no phrase: "diabetes, microvascular" borrows nothing from
        // "diabetic kidney disease".
        let cohort = "MVD was associated with increased risks of CVD composite (HR 1.34, 95% CI 1.11-1.61) and stroke " +
            "(HR 1.55, 95% CI 1.02-2.37). HRs by type of MVD were 1.11 (95% CI 0.89-1.38) and 1.63 (95% CI 1.22-2.17) " +
            "for diabetic kidney disease and retinopathy."
        #expect(rule("In type 2 diabetes, microvascular disease was linked to a higher risk of the CVD composite (HR 1.34) " +
                     "and of stroke (HR 1.55).", cohort) == nil)
        #expect(Entailment.Borrowing.phrases(Entailment.Unit("In type 2 diabetes, microvascular disease rose.")).contains("micro disea"))
        #expect(!Entailment.Borrowing.phrases(Entailment.Unit("In type 2 diabetes, microvascular disease rose.")).contains("diabe micro"))
    }

    @Test("A denial taken from another statement of the passage is caught")
    func borrowedNegation() {
        let conclusion = "Patients with low albumin levels have an increased risk of a long hospital stay. " +
            "Low albumin was not associated with the risk of readmission."
        #expect(rule("Low albumin does not predict a long hospital stay.", conclusion) == .negation)
        #expect(rule("Low albumin was not associated with readmission.", conclusion) == nil)
        #expect(rule("Patients with low albumin levels have an increased risk of a long hospital stay.", conclusion) == nil)
    }

    @Test("An effect claimed from a passage that gives only the design, or finds no difference, is caught")
    func finding() {
        let design = "Ninety-two patients with a classifier score above 0.1 were randomized to receive either prednisolone (N = 44) or placebo (N = 47) " +
            "for 5 days. The primary endpoint was the incidence of acute graft-versus-host disease by day 100."
        #expect(rule("Prednisolone reduces acute graft-versus-host disease compared with placebo.", design) == .finding)
        #expect(rule("Patients were randomized to prednisolone or placebo for 5 days.", design) == nil)
        let result = design + " Acute graft-versus-host disease was not reduced with prednisolone."
        #expect(rule("Prednisolone reduces acute graft-versus-host disease compared with placebo.", result) != .finding)
        let null = design + " Prednisolone showed no significant difference in the incidence of acute graft-versus-host " +
            "disease (HR 1.69, P = 0.27). Adverse events were slightly higher with placebo versus prednisolone."
        #expect(rule("Prednisolone reduces acute graft-versus-host disease compared with placebo.", null) == .finding)
        #expect(rule("Prednisolone showed no significant difference in acute graft-versus-host disease.", null) == nil)
        let mixed = "Pain scores were lower with the block at 12 hours. There was no difference in pain scores at 24 hours."
        #expect(rule("Pain scores were lower with the block at 12 hours.", mixed) == nil)
        // A change claimed against a second comparator the passage finds no better than.
        let two = "PCSK9 mAbs could effectively reduce MACEs and stroke compared with placebo. However, PCSK9 mAbs were "
            + "not superior to ezetimibe in preventing adverse cardiovascular events."
        #expect(rule("PCSK9 mAbs reduce MACEs and stroke compared with placebo, and compared with ezetimibe.", two) == .finding)
        #expect(rule("PCSK9 mAbs reduce MACEs and stroke compared with placebo.", two) == nil)
        #expect(rule("PCSK9 mAbs were not superior to ezetimibe in preventing adverse cardiovascular events.", two) == nil)
    }

    @Test("A finding the passage states \"but not\" for a group, claimed for that group, is a negation")
    func excluded() {
        let passage = "Median OS was longer for all patients with high-grade irAEs. Younger patients, but not older adults, " +
            "with high-grade irAEs experience strong survival benefit."
        #expect(rule("High-grade irAEs predict longer survival in older patients, as in younger ones.", passage) == .negation)
        #expect(rule("Younger patients, but not older adults, with high-grade irAEs have a survival benefit.", passage) != .negation)
        #expect(rule("Younger patients with high-grade irAEs experience a strong survival benefit.", passage) == nil)
        // A comparison names the excluded group without claiming the finding for it.
        let sentences = SentenceSplitter.split(passage).map { Entailment.Unit($0.text) }
        #expect(Entailment.Finding.excluded(Entailment.Unit("High-grade irAEs predict longer survival in older patients."),
                                            passages: sentences) == "older adults")
        #expect(Entailment.Finding.excluded(Entailment.Unit("The survival benefit was stronger in younger than in older "
                                                            + "patients with high-grade irAEs."), passages: sentences) == nil)
        let object = "Duloxetine reduced pain but not disability at 12 weeks."
        #expect(rule("Duloxetine reduced disability at 12 weeks.", object) == .negation)
        #expect(rule("Duloxetine reduced pain at 12 weeks.", object) == nil)
    }

    @Test("A sentence whose own figures say the opposite of its direction is caught; the source's own wording is not")
    func figuresAgainstWords() {
        let covariates = "Covariates associated with HA included age (OR: 1.02) and previous cardiac surgery (OR: 0.58, 95% CI: 0.45-0.75)."
        #expect(rule("Previous cardiac surgery (OR: 0.58) was associated with higher odds of HA.", covariates) == .direction)
        #expect(rule("Previous cardiac surgery (OR: 0.58) was associated with lower odds of HA.", covariates) == nil)
        let relapse = "Relapse was lower with a routine MGT protocol (31.2%) than with no MGT protocol (44.1%)."
        #expect(rule("Relapse was less frequent with a routine MGT protocol (44.1%) than without any MGT protocol (31.2%).",
                     relapse) == .direction)
        #expect(rule("Relapse was less frequent with a routine MGT protocol (31.2%) than without any MGT protocol (44.1%).",
                     relapse) == nil)
        let arms = "Relapse was lower with the routine protocol than with the reduced protocol (31.2% vs 44.1%)."
        #expect(rule("Relapse was less frequent with the routine protocol than with the reduced protocol (31.2% vs 44.1%).", arms) == nil)
        #expect(rule("Relapse was less frequent with the routine protocol than with the reduced protocol (44.1% vs 31.2%).", arms) == .direction)
        // A hazard ratio above 1 goes with a shorter lifespan: the direction is the lifespan's, not the ratio's.
        let apoe = "Diabetes was associated with shorter lifespan in APOE3 carriers (n = 12,415, HR = 1.29)."
        #expect(rule("Diabetes was associated with shorter lifespan in APOE3 carriers (n = 12,415, HR = 1.29).", apoe) == nil)
        // A heart rate is no ratio; the source's own odd wording is the source's.
        let rate = "Heart rate was lower after the block (HR 72 beats per minute)."
        #expect(rule("Heart rate was lower after the block (HR 72 beats per minute).", rate) == nil)
        let odd = "Smokers had higher odds of relapse (OR 0.80 for abstinence)."
        #expect(rule("Smokers had higher odds of relapse (OR 0.80 for abstinence).", odd) == nil)
    }

    @Test("A conversion turned round is a reversed direction; the same conversion reworded is not")
    func conversion() {
        let evalf = "Exact SymPy expressions can be converted to floating-point approximations (decimal numbers) using evalf."
        #expect(rule("The evalf method is used to convert a floating-point approximation to an exact SymPy expression.", evalf) == .direction)
        #expect(rule("The evalf method converts exact SymPy expressions to floating-point approximations.", evalf) == nil)
        #expect(rule("Using evalf, exact SymPy expressions are converted into floating-point approximations.", evalf) == nil)
        let bytes = "The decode method converts bytes from a given encoding to a str object."
        #expect(rule("The decode method converts a str object from a given encoding to bytes.", bytes) == .direction)
    }

    @Test("A widened claim is a generalisation")
    func generalisation() {
        #expect(rule("Delirium was lower with dexmedetomidine than with placebo in all patients.") == .generalisation)
    }

    @Test("Numbers: a raised decimal point, ordinals and an approximate or bound value read as numbers")
    func numbers() {
        #expect(KeyTerms.extract("OR 2·61 at the 100th percentile").numbers == ["2.61", "100"])
        #expect(SearchableText("smaller factors of around ~15 digits, NLR ≥3.65").contains(number: "15"))
        #expect(SearchableText("NLR ≥3.65").contains(number: "3.65"))
    }

    @Test("\"Empty args\" in the passage is the claim's \"no args\"; an empty list does not deny a list")
    func emptyIsNone() {
        let tree = "Either it has empty args, in which case it is a leaf node, or it has args, in which case it is a branch node."
        #expect(rule("An expression with no args is a leaf node; one with args is a branch node.", tree) == nil)
        let split = "Called without an argument, the method returns an empty list."
        #expect(rule("Called without an argument, the method returns a list.", split) == nil)
    }

    @Test("One member of a passage's list given as the value is not stated; a member the passage binds, or the list, is")
    func singledOut() {
        let syslog = "The default algorithm maps ``DEBUG``, ``INFO``, ``WARNING``, ``ERROR`` and ``CRITICAL`` to the equivalent syslog names."
        #expect(rule("The default threshold is `CRITICAL`, so you can lower it to `DEBUG`.", syslog) == .singledOut)
        #expect(rule("The default algorithm maps `DEBUG`, `INFO`, `WARNING`, `ERROR` and `CRITICAL` to syslog names.", syslog) == nil)
        #expect(rule("The levels mapped include `CRITICAL`.", syslog) == nil)
        // The passage names the value outside the list too: it may well be the one the claim means.
        let level = "Levels are DEBUG, INFO, WARNING, ERROR and CRITICAL. The default level is WARNING."
        #expect(rule("The default level is WARNING.", level) == nil)
        #expect(rule("The default level is ERROR.", level) == .singledOut)
        // Figures in a list are bound to their groups by "respectively": not this rule's business.
        let rates = "Response rates were 10%, 20% and 30% with A, B and C, respectively."
        #expect(Entailment.Enumeration.singledOut(.init("The response rate with C was 30%."), passages: [.init(rates)]) == nil)
    }

    @Test("A figure the passage gives for one thing, claimed of another it gives something else for, is caught")
    func otherScope() {
        let format = "With no precision given, uses a precision of ``6`` digits after the decimal point for :class:`float`, "
            + "and shows all coefficient digits for :class:`~decimal.Decimal`."
        #expect(rule("The decimal module uses 6 significant digits by default.", format) == .numberBinding)
        #expect(rule("With no precision given, a float is shown with 6 digits after the decimal point.", format) == nil)
        let doses = "The recommended dose is 5 mg for adults and 2 mg for children."
        #expect(rule("Children receive 5 mg.", doses) == .numberBinding)
        #expect(rule("Adults receive 5 mg.", doses) == nil)
        // A "for" before the figure may scope it instead: left alone.
        let before = "For adults, the dose is 5 mg; for children, it is 2 mg."
        #expect(Entailment.Scope.other(.init("Adults receive 5 mg."), passages: [.init(before)]) == nil)
        // A claim that names no other scope of the passage is this rule's business no longer.
        #expect(Entailment.Scope.other(.init("The default precision is 6 digits."), passages: [.init(format)]) == nil)
    }

    @Test("A figure tied to a group the passage never names is caught")
    func unnamedGroup() {
        let cohort = "The hazard ratio for stroke in patients with psoriasis compared with those without psoriasis was 1.42 "
            + "(95% CI 1.20-1.68)."
        #expect(rule("Stroke risk was higher in psoriasis with arthritis: 1.42 (95% CI 1.20-1.68).", cohort) == .numberBinding)
        #expect(rule("Patients with psoriasis had a higher risk of stroke: 1.42 (95% CI 1.20-1.68).", cohort) == nil)
        // Another sentence naming the group does not give it this figure.
        let conclusion = cohort + " Psoriasis with arthritis is associated with a higher risk of stroke than psoriasis alone."
        #expect(rule("Stroke risk was higher in psoriasis with arthritis: 1.42 (95% CI 1.20-1.68).", conclusion) == .numberBinding)
        // A measure renamed or worded with a verb names no group.
        let healing = "The median reductions in wound surface area were 75% at 6 weeks."
        #expect(rule("Wound area shrank by a median 75% at 6 weeks.", healing) == nil)
    }

    @Test("A default the passage states otherwise is caught")
    func otherDefault() {
        let page = "The pool has a configurable size (defaulting to 8 workers):\n>>> pool.size = 2\n>>> pool.run(job)"
        #expect(rule("The pool uses 2 workers by default.", page) == .numberBinding)
        #expect(rule("The pool uses 8 workers by default.", page) == nil)
        #expect(rule("The pool size can be set to 2, as in pool.size = 2.", page) == nil)
    }

    @Test("Two terms, or runs of terms, that trade roles are caught; lists, passives, antonyms and symmetric relations are not")
    func exchangedRoles() {
        let reader = "The reader decodes the header first and the body afterwards."
        #expect(rule("The reader decodes the body first and the header afterwards.", reader) == .comparison)
        #expect(rule("The reader first decodes the header, then the body.", reader) == nil)
        let assignment = "Assigning a value changes the Python variable, but has no effect on the stored expression."
        #expect(rule("Assigning a value changes the stored expression, but has no effect on the Python variable.",
                     assignment) == .comparison)
        #expect(rule("Assigning a value changes the Python variable and leaves the stored expression as it was.", assignment) == nil)
        #expect(rule("The module reads YAML and JSON files.", "The module reads JSON and YAML files.") == nil)
        #expect(rule("The worker thread is woken by the scheduler.", "The scheduler wakes the worker thread.") == nil)
        #expect(rule("The lzma codec is slower than the gzip codec.", "The gzip codec is faster than the lzma codec.") == nil)
        #expect(rule("Closing the archive takes the same time as opening the archive.",
                     "Opening the archive takes the same time as closing the archive.") == nil)
        #expect(rule("TNT improves the pCR rate.", "The pCR rate improved with TNT.") == nil)
        #expect(Entailment.Exchange.exchanged(.init("The reader decodes the body first and the header afterwards."),
                                              .init(reader)).map { [$0.0, $0.1] } == ["header", "body"])
        // A long sentence in reverse order is no exchange of two runs (and the search stops after `mostTrials`).
        let long = (1...70).map { "term\(String(UnicodeScalar(UInt8(97 + $0 % 26))))\($0 / 26)word" }
        #expect(Entailment.Exchange.exchanged(.init(long.reversed().joined(separator: " ") + "."),
                                              .init(long.joined(separator: " ") + ".")) == nil)
    }

    @Test("A P value stays with the figures it follows")
    func pValues() {
        let doses = """
            Older patients had lower toxicity-adjusted median doses of pazopanib, 300 mg vs. 400 mg vs. 600 mg, \
            respectively, (p < 0.001), and sunitinib, 25 mg vs. 37.5 mg vs. 50 mg, respectively (p < 0.001); numerically \
            fewer doses of CPI, median 2 vs. 5 vs. 5, respectively, (p = 0.2). Retention was 8.8% vs 25.8% (P=.02).
            """
        func misbound(_ sentence: String) -> Bool {
            Entailment.PValues.misbound(Entailment.Unit(sentence), passages: [Entailment.Unit(doses)]) != nil
        }
        // The value of another comparison of the same sentence, or another comparator, breaks it.
        let moved = "Older patients had lower doses of sunitinib, 25 mg vs. 37.5 mg vs. 50 mg, respectively, (p < 0.2)."
        #expect(misbound(moved))
        #expect(Entailment.violation(of: moved, in: [doses], context: "", isCommon: nil)?.detail
                    == "the passage gives these figures \"p < 0.001\", not \"p < 0.2\"")
        #expect(misbound("Retention was 8.8% vs 25.8% (p < 0.02)."))
        // Copied, rewritten (".02" as "0.02"), or after other words, it passes.
        #expect(!misbound("Sunitinib doses were 25 mg vs. 37.5 mg vs. 50 mg, respectively (p < 0.001)."))
        #expect(!misbound("Older patients received 300 mg vs. 400 mg vs. 600 mg of pazopanib (p < 0.001) and fewer CPI "
                          + "doses, median 2 vs. 5 vs. 5 (p = 0.2)."))
        #expect(!misbound("Urinary retention was lower: 8.8% vs 25.8% (P = 0.02)."))
        // Figures the passage never tests are left to the other rules.
        #expect(!misbound("Mortality was 12% vs 20% (p = 0.04)."))
    }

}
