import Testing
@testable import CitedAnswer

@Test("The [models] table overrides the built-in routing; errors name the line")
func configuration() throws {
    let text = """
    # routing
    [other]
    x = 1
    [models]
    code = "qwen2.5-coder-0.5b"   # fast enough for docs
    fast = "smollm2-135m"
    """
    let parsed = try AnswerConfiguration.parse(text, path: "cited.toml")
    #expect(parsed.models[.code] == "qwen2.5-coder-0.5b")
    #expect(parsed.models[.clinical] == AnswerConfiguration.builtIn.models[.clinical])
    #expect(parsed.fastModel == "smollm2-135m")
    #expect(parsed.counterfactualModel == AnswerConfiguration.builtIn.counterfactualModel)
    let scorer = try AnswerConfiguration.parse("[models]\ncounterfactual = \"qwen2.5-coder-1.5b\"", path: "cited.toml")
    #expect(scorer.counterfactualModel == "qwen2.5-coder-1.5b")
    #expect(throws: AnswerConfiguration.ParseError.malformed(path: "cited.toml", line: 2,
                                                             reason: "counterfactual needs a local model's logits, not endpoint:x")) {
        try AnswerConfiguration.parse("[models]\ncounterfactual = \"endpoint:x\"", path: "cited.toml")
    }
    #expect(throws: AnswerConfiguration.ParseError.malformed(path: "cited.toml", line: 2, reason: "unknown key surgery (clinical, code, math, fast, counterfactual)")) {
        try AnswerConfiguration.parse("[models]\nsurgery = \"x\"", path: "cited.toml")
    }
}
