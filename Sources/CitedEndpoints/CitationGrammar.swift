/// The citation constraint as the server's own constrained decoding, written to accept what
/// `CitationConstraint` lets the local engine write, character by character:
///
/// - the answer may start with blank space, but its first other character is not `[` (a marker), `>` (a
///   quote mark) nor a code fence "``" — the local engine bars a first token whose text, blank space
///   trimmed, is empty or starts so; nor, unless `mayDecline`, "NOT" (the sentinel "NOT IN SOURCES"; the
///   local engine bars it unless the model is sure by a logit margin, which a server does not report);
/// - a `[` that follows the start of the answer or one of ` ( . , ; : ] newline` and is followed by a digit
///   opens a marker: given passage numbers separated by commas (spaces around them allowed), then `]`;
/// - a `[` after any other character, and anything between backticks, is free.
///
/// What GBNF cannot say, since it sees characters and the local engine tokens: the local engine bars a
/// first token that is only blank space (the grammar lets blank space come first, in any tokens), bars
/// "N", "NO", "NOT"… as a first token rather than the letters "NOT" (when the answer may not decline), and
/// lets a marker escape when a lone "[" token is followed by a token such as "5mg" that is not all digits.
public enum CitationGrammar {
    /// Characters after which `[` and a digit open a marker (as `CitationConstraint`).
    static let boundaries = #" \n(.,;:\]"#

    /// A GBNF grammar (llama.cpp's `grammar` field; grammars/README.md in llama.cpp). Rules: `a` after a
    /// boundary or at the start, `b` after any other character, `x` after a `[` that may open a marker.
    public static func gbnf(allowed: Set<Int>, mayDecline: Bool = true) -> String {
        let numbers = allowed.sorted().map { "\"\($0)\"" }.joined(separator: " | ")
        let bound = "[" + boundaries + "]"
        // Any other character, less `excluding` (the step to `b`).
        func other(_ excluding: String = "") -> String { "[^" + boundaries + #"\[`"# + excluding + "]" }
        func step(_ excluding: String = "") -> String { "\(bound) a | \"[\" b | \(other(excluding)) b | code" }
        let firstOther = "[^" + boundaries + #"\[`> \t\r"# + (mayDecline ? "" : "N") + "]"
        let rules = [
            #"root ::= ( [ \t\r\n]* first )?"#,
            #"first ::= [(.,;:\]] a | "# + firstOther + #" b | "`" ( [^`] [^`]* ( "`" b )? )?"#
                + (mayDecline ? "" : #" | "N" ( "O" ( \#(step("T")) )? | \#(step("O")) )?"#),
            "a ::= ( \(bound) a | \"[\" x | \(other()) b | code )?",
            "b ::= ( \(step()) )?",
            // No passage given: no marker can open.
            "x ::= ( " + (numbers.isEmpty ? "" : "num ( \" \"* \",\" \" \"* num )* \" \"* \"]\" a | ")
                + "\(bound) a | \"[\" b | \(other("0-9")) b | code )?",
            #"code ::= "`" [^`]* ( "`" b )?"#,
            "num ::= \(numbers.isEmpty ? "\"0\"" : numbers)",
        ]
        return rules.joined(separator: "\n")
    }

    /// A regular expression for vLLM's `guided_regex`: stricter than the grammar (any `[` followed by a digit,
    /// even inside code or after a letter, must be a marker of given passages), since the engines behind it take
    /// no look-behind.
    public static func regex(allowed: Set<Int>, mayDecline: Bool = true) -> String {
        let numbers = "(" + (allowed.isEmpty ? "0" : allowed.sorted().map(String.init).joined(separator: "|")) + ")"
        let first = #"[ \t\r\n]*([^\[> \t\r\n`N]|`[^`]|N"# + (mayDecline ? "" : "([^O]|O[^T])") + ")"
        return first + #"([^\[]|\[[^0-9\[]|\["# + numbers + "( *, *" + numbers + #")* *\])*"#
    }
}
