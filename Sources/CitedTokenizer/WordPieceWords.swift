/// One word as `WordPieceTokenizer` sees it after splitting raw text.
enum WordPieceWord {
    /// A special token written in the text.
    case special(Int32)
    /// Letters and digits only, straight from the UTF-8 input (not yet lower-cased), or one ASCII
    /// punctuation mark.
    case ascii(UnsafeBufferPointer<UInt8>)
    /// A word from the full path: normalised scalars.
    case scalars(ArraySlice<Unicode.Scalar>)
}

extension WordPieceTokenizer {
    /// Calls `body` with the words of `text` in order, exactly as normalising the whole text and splitting it
    /// (`BertBasicTokenizer`) would give them.
    ///
    /// Plain ASCII runs skip normalisation: it could only lower-case them. A run between ASCII spaces and
    /// punctuation that holds any other byte (non-ASCII, a control character) is normalised on its own. That
    /// gives the same words, because no normalisation step reaches across an ASCII space or punctuation mark:
    /// they are starters that never decompose, and lower-casing and the character classes go scalar by scalar.
    @inline(__always)
    func forEachWord(in text: String, _ body: (WordPieceWord) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            specialTokens.forEachSegment(bytes) { range, special in
                if let special {
                    body(.special(special))
                } else {
                    forEachWord(inPlain: bytes, range, body)
                }
            }
        }
    }

    /// The words of plain text (no special tokens) in `bytes[range]`.
    @inline(__always)
    private func forEachWord(inPlain bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                             _ body: (WordPieceWord) -> Void) {
        var start = range.lowerBound
        var plainASCII = true
        func flush(_ end: Int) {
            if start < end {
                if plainASCII {
                    body(.ascii(UnsafeBufferPointer(rebasing: bytes[start..<end])))
                } else {
                    let run = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    basic.forEachWord(in: basic.normalize(Substring(run))) { body(.scalars($0)) }
                }
            }
            plainASCII = true
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = bytes[i]
            if byte >= 0x80 {
                plainASCII = false
            } else if byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 {
                // A letter or digit: part of the current word.
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                flush(i)
                start = i + 1
            } else if byte > 0x20 && byte < 0x7F {
                flush(i)
                body(.ascii(UnsafeBufferPointer(rebasing: bytes[i..<i + 1])))
                start = i + 1
            } else {
                // Other controls: dropped or split depending on settings; the full path decides.
                plainASCII = false
            }
            i += 1
        }
        flush(range.upperBound)
    }
}
