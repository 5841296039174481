import Testing
@testable import CitedAnswer

@Suite("Excerpts: the parts of a passage closest to the question")
struct ExcerptTests {
    let count: (String) -> Int = { $0.split(separator: " ").count }

    @Test("prose is cut into sentences, code and display math stay whole")
    func units() {
        let text = "The cache holds results. It is bounded.\n\n    @lru_cache(maxsize=32)\n    def f(x): return x\n\n$$a^2 + b^2 = c^2. d = e$$"
        let units = Excerpt.units(of: text)
        #expect(units == ["The cache holds results.", "It is bounded.",
                          "@lru_cache(maxsize=32)\n    def f(x): return x", "$$a^2 + b^2 = c^2. d = e$$"])
    }

    @Test("best units first within the budget, shown in passage order with gaps marked")
    func select() {
        let units = ["Alpha one two.", "Beta three four.", "Gamma five six.", "Delta seven eight."]
        #expect(Excerpt.select(units, similarity: [0.1, 0.9, 0.2, 0.8], budget: 10, tokenCount: count)
                == "… Beta three four. … Delta seven eight.")
        #expect(Excerpt.select(units, similarity: [0.9, 0.8, 0.1, 0.2], budget: 10, tokenCount: count)
                == "Alpha one two. Beta three four. …")
        // The best unit is kept even when it alone is over the budget.
        #expect(Excerpt.select(units, similarity: [0.1, 0.2, 0.9, 0.3], budget: 1, tokenCount: count)
                == "… Gamma five six. …")
        #expect(Excerpt.select(units, similarity: [1, 1, 1, 1], budget: 100, tokenCount: count)
                == units.joined(separator: " "))
    }

    @Test("an API entry's signature is kept: it holds the defaults a question asks for")
    func signatureKept() {
        let units = ["limit_denominator(max_denominator=1000000)", "Finds and returns the closest Fraction.",
                     "This method is useful for rational approximations."]
        #expect(Excerpt.isSignature(units[0], label: "limit_denominator"))
        #expect(!Excerpt.isSignature(units[1], label: "limit_denominator"))
        #expect(!Excerpt.isSignature("Use limit_denominator(1000) to round.", label: "limit_denominator"))
        #expect(Excerpt.select(units, similarity: [0.1, 0.9, 0.8], budget: 15, keep: [0], tokenCount: count)
                == "limit_denominator(max_denominator=1000000) Finds and returns the closest Fraction. …")
        #expect(Excerpt.select(units, similarity: [0.1, 0.9, 0.8], budget: 15, tokenCount: count)
                == "… Finds and returns the closest Fraction. This method is useful for rational approximations.")
    }
}
