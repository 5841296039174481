import CitedCore

/// A conservative stand-in for the embedder's WordPiece count, used until the real tokenizer is wired in:
/// each punctuation mark is one token, each word one token per five characters (at least one), plus
/// `[CLS]` and `[SEP]`. It over-counts English prose, so passages stay under the real limit.
public struct ApproximateTokenCounter: TokenCounter {
    public init() {}

    public func tokenCount(_ text: String) -> Int {
        var count = 2
        var wordLength = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                wordLength += 1
                // CJK ideographs are one token each in BERT's basic tokenizer.
                if scalar.value >= 0x3400 && scalar.value <= 0x9FFF { count += 1; wordLength = 0 }
            } else {
                if wordLength > 0 { count += (wordLength + 4) / 5; wordLength = 0 }
                if !scalar.properties.isWhitespace { count += 1 }
            }
        }
        if wordLength > 0 { count += (wordLength + 4) / 5 }
        return count
    }
}
