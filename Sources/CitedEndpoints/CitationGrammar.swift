/// The citation constraint as the server's own constrained decoding: text in which every `[` that starts
/// a marker (a `[` followed by a digit) names only passages given, and which does not begin with a marker,
/// a quote mark, blank space or a code fence ("``"; as `CitationConstraint` bans for the local engine) — nor,
/// unless `mayDecline`, with "NOT" (the sentinel "NOT IN SOURCES"; the local engine bars it unless the model
/// is sure by a logit margin, which a server does not report).
public enum CitationGrammar {
    /// A GBNF grammar (llama.cpp's `grammar` field; grammars/README.md in llama.cpp).
    public static func gbnf(allowed: Set<Int>, mayDecline: Bool = true) -> String {
        let numbers = allowed.sorted().map { "\"\($0)\"" }.joined(separator: " | ")
        return """
        root ::= first rest
        first ::= [^\\[> \\t\\r\\n`N] | "`" [^`] | "N" \(mayDecline ? "" : "( [^O] | \"O\" [^T] )")
        rest ::= ( [^\\[] | "[" [^0-9\\[] | cite )*
        cite ::= "[" num ( "," " "? num )* "]"
        num ::= \(numbers.isEmpty ? "\"0\"" : numbers)
        """
    }

    /// The same language as a regular expression (vLLM's `guided_regex`).
    public static func regex(allowed: Set<Int>, mayDecline: Bool = true) -> String {
        let numbers = "(" + (allowed.isEmpty ? "0" : allowed.sorted().map(String.init).joined(separator: "|")) + ")"
        let first = #"([^\[> \t\r\n`N]|`[^`]|N"# + (mayDecline ? "" : "([^O]|O[^T])") + ")"
        return first + #"([^\[]|\[[^0-9\[]|\["# + numbers + "(, ?" + numbers + #")*\])*"#
    }
}
