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
    #expect(throws: AnswerConfiguration.ParseError.malformed(path: "cited.toml", line: 2, reason: "unknown key surgery (clinical, code, math, fast)")) {
        try AnswerConfiguration.parse("[models]\nsurgery = \"x\"", path: "cited.toml")
    }
}
