import CitedCore

/// A conservative stand-in for the embedder's WordPiece count, used until the real tokenizer is wired in:
/// each punctuation mark is one token, each word one token per five characters (at least one), each CJK
/// character one token, plus `[CLS]` and `[SEP]`. It over-counts English prose, so passages stay under the
/// real limit. Works on UTF-8 bytes: non-ASCII letters count as word characters.
public struct ApproximateTokenCounter: TokenCounter {
    public init() {}

    public func tokenCount(_ text: String) -> Int {
        var count = 2
        var wordLength = 0
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte < 0x80 {
                    let isWord = (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
                    if isWord {
                        wordLength += 1
                    } else {
                        if wordLength > 0 { count += (wordLength + 4) / 5; wordLength = 0 }
                        if byte > 0x20 && byte != 0x7F { count += 1 }
                    }
                    i += 1
                } else {
                    // A multi-byte scalar: CJK (U+3400–U+9FFF, lead bytes E3–E9) is one token; others letters.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    if byte >= 0xE3 && byte <= 0xE9 {
                        if wordLength > 0 { count += (wordLength + 4) / 5; wordLength = 0 }
                        count += 1
                    } else if byte == 0xC2 && i + 1 < bytes.count && bytes[i + 1] == 0xA0 {
                        if wordLength > 0 { count += (wordLength + 4) / 5; wordLength = 0 }
                    } else {
                        wordLength += 1
                    }
                    i += length
                }
            }
        }
        if wordLength > 0 { count += (wordLength + 4) / 5 }
        return count
    }
}
