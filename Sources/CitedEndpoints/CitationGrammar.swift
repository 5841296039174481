/// The citation constraint as the server's own constrained decoding: text in which every `[` that starts
/// a marker (a `[` followed by a digit) names only passages given, and which does not begin with a marker,
/// a quote mark, blank space or a code fence (as `CitationConstraint` bans for the local engine).
public enum CitationGrammar {
    /// A GBNF grammar (llama.cpp's `grammar` field; grammars/README.md in llama.cpp).
    public static func gbnf(allowed: Set<Int>) -> String {
        let numbers = allowed.sorted().map { "\"\($0)\"" }.joined(separator: " | ")
        return """
        root ::= first rest
        first ::= [^\\[> \\t\\r\\n`]
        rest ::= ( [^\\[] | "[" [^0-9\\[] | cite )*
        cite ::= "[" num ( "," " "? num )* "]"
        num ::= \(numbers.isEmpty ? "\"0\"" : numbers)
        """
    }

    /// The same language as a regular expression (vLLM's `guided_regex`).
    public static func regex(allowed: Set<Int>) -> String {
        let numbers = "(" + (allowed.isEmpty ? "0" : allowed.sorted().map(String.init).joined(separator: "|")) + ")"
        return #"[^\[> \t\r\n`]([^\[]|\[[^0-9\[]|\["# + numbers + "(, ?" + numbers + #")*\])*"#
    }
}
