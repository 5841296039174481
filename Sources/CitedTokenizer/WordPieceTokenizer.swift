import CitedCore
import Foundation

/// Errors loading a WordPiece vocabulary, each naming the file.
public enum WordPieceError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingToken(token: String, path: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read tokenizer \(path): \(reason)"
        case let .malformed(path, reason): "malformed tokenizer \(path): \(reason)"
        case let .missingToken(token, path): "tokenizer \(path) has no \(token) token"
        }
    }
}

/// BERT's WordPiece tokenizer, token for token equal to HF `tokenizers` for `BertNormalizer` +
/// `BertPreTokenizer` + `WordPiece` + `[CLS] … [SEP]` (Wu et al. 2016; Devlin et al. 2019).
///
/// Special tokens written in the text (`[SEP]`, `[MASK]`, …) are recognised before normalisation,
/// as the reference does for its unnormalised added tokens.
public final class WordPieceTokenizer: TokenCounter, Sendable {
    /// The normalisation and pre-tokenisation settings.
    public let basic: BertBasicTokenizer
    /// Most ids one encoded text may hold, `[CLS]` and `[SEP]` included (sentence-transformers' 256).
    public let maxLength: Int
    /// Words longer than this (in scalars) become `[UNK]`.
    public let maxInputCharsPerWord: Int
    public let clsID: Int32
    public let sepID: Int32
    public let padID: Int32
    public let unknownID: Int32
    /// Token text by id.
    public let tokens: [String]

    private let trie: ByteTrie
    /// Whole-word tokens, tried before the trie.
    private let words: WordTable
    /// Special tokens matched in raw text.
    let specialTokens: SpecialTokens

    /// Loads `tokenizer.json` (HF `tokenizers` format). Its own truncation and padding are ignored.
    public convenience init(tokenizerJSON url: URL, maxLength: Int = 256) throws {
        let path = url.path
        let data = Data(try Self.contents(of: path))
        guard let (pairs, range) = VocabJSONReader.vocab(in: data) else {
            throw WordPieceError.malformed(path: path, reason: "no model.vocab object of token ids")
        }
        let file: TokenizerFile
        do { file = try JSONDecoder().decode(TokenizerFile.self, from: VocabJSONReader.withoutVocab(data, range: range)) } catch {
            throw WordPieceError.malformed(path: path, reason: "no model in a JSON object (\(error))")
        }
        let model = file.model
        if let type = model.type, type != "WordPiece" {
            throw WordPieceError.malformed(path: path, reason: "model type \(type), expected WordPiece")
        }
        // Ids must be exactly 0..<count, each once.
        var slots = [String?](repeating: nil, count: pairs.count)
        for (token, id) in pairs {
            guard id >= 0, id < pairs.count, slots[id] == nil else {
                throw WordPieceError.malformed(path: path, reason: "bad id for token \(token)")
            }
            slots[id] = token
        }
        let tokens = slots.map { $0! }
        var basic = BertBasicTokenizer()
        if let norm = file.normalizer, norm.type == "BertNormalizer" {
            basic.cleanText = norm.clean_text ?? true
            basic.handleChineseChars = norm.handle_chinese_chars ?? true
            basic.lowercase = norm.lowercase ?? true
            basic.stripAccents = norm.strip_accents ?? basic.lowercase
        }
        var specials: [String: Int32] = [:]
        for added in file.added_tokens ?? [] where added.normalized == false {
            specials[added.content] = added.id
        }
        try self.init(tokens: tokens, basic: basic, specials: specials,
                      unknown: model.unk_token ?? "[UNK]",
                      maxInputCharsPerWord: model.max_input_chars_per_word ?? 100,
                      maxLength: maxLength, path: path)
    }

    /// Loads a `vocab.txt` (one token per line, id = line number) with BERT's defaults.
    public convenience init(vocabTXT url: URL, lowercase: Bool = true, maxLength: Int = 256) throws {
        let path = url.path
        guard let text = String(validating: try Self.contents(of: path), as: UTF8.self) else {
            throw WordPieceError.malformed(path: path, reason: "not UTF-8")
        }
        var tokens = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if tokens.last == "" { tokens.removeLast() }
        var specials: [String: Int32] = [:]
        for (id, token) in tokens.enumerated() where ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].contains(token) {
            specials[token] = Int32(id)
        }
        try self.init(tokens: tokens, basic: BertBasicTokenizer(lowercase: lowercase), specials: specials,
                      unknown: "[UNK]", maxInputCharsPerWord: 100, maxLength: maxLength, path: path)
    }

    /// Largest vocabulary file read. MiniLM's `tokenizer.json` is 466 KB and multilingual WordPiece ones a few MB;
    /// JSON decoding costs about 6× the file in memory, so 40 MB keeps a hostile file (10M BPE merges, 60 MB)
    /// under 300 MB of RSS.
    static let maxFileBytes = 40 << 20

    /// The bytes of a vocabulary file: only a regular file is opened (a FIFO is refused, not waited on).
    private static func contents(of path: String) throws -> [UInt8] {
        do { return try RegularFile.contents(path, maxBytes: maxFileBytes) } catch let failure as RegularFile.Failure {
            throw WordPieceError.unreadable(path: path, reason: failure.reason)
        }
    }

    /// Builds a tokenizer from its vocabulary; `specials` are matched verbatim in the input text.
    public init(tokens: [String], basic: BertBasicTokenizer, specials: [String: Int32], unknown: String,
                maxInputCharsPerWord: Int, maxLength: Int, path: String = "<memory>") throws {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        // The first id of each named token (a scan: cheaper than a dictionary of the whole vocabulary).
        func first(_ token: String) -> Int32? { tokens.firstIndex(of: token).map { Int32($0) } }
        func id(_ token: String) throws -> Int32 {
            guard let id = first(token) else { throw WordPieceError.missingToken(token: token, path: path) }
            return id
        }
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        unknownID = try id(unknown)
        padID = first("[PAD]") ?? 0
        self.tokens = tokens
        self.basic = basic
        self.maxLength = maxLength
        self.maxInputCharsPerWord = maxInputCharsPerWord
        trie = ByteTrie(tokens: tokens, continuingPrefix: "##")
        words = WordTable(tokens: tokens, continuingPrefix: "##")
        specialTokens = SpecialTokens(specials)
    }

    /// `[CLS] ids… [SEP]`, truncated to `maxLength`.
    public func encode(_ text: String) -> [Int32] {
        encode(text, limit: maxLength)
    }

    /// `[CLS] ids… [SEP]`, truncated to `limit` ids if given.
    public func encode(_ text: String, limit: Int?) -> [Int32] {
        var ids: [Int32] = [clsID]
        let budget = limit.map { max(0, $0 - 2) } ?? Int.max
        var scratch: [UInt8] = []
        forEachWord(in: text) { word in
            if ids.count - 1 >= budget { return }
            switch word {
            case .special(let id): ids.append(id)
            case .ascii(let bytes): appendPieces(bytes, scalarCount: bytes.count, lowercasing: basic.lowercase, to: &ids)
            case .scalars(let scalars):
                utf8(scalars, into: &scratch)
                scratch.withUnsafeBufferPointer {
                    appendPieces($0, scalarCount: scalars.count, lowercasing: false, to: &ids)
                }
            }
        }
        if ids.count - 1 > budget { ids.removeSubrange((1 + budget)...) }
        ids.append(sepID)
        return ids
    }

    /// Token count of `text` with `[CLS]` and `[SEP]`, not truncated: the chunker compares it to `maxLength`.
    /// Equal to `encode(text, limit: nil).count`, without building the ids.
    public func tokenCount(_ text: String) -> Int {
        var count = 2
        var scratch: [UInt8] = []
        forEachWord(in: text) { word in
            switch word {
            case .special: count += 1
            case .ascii(let bytes): count += pieceCount(bytes, scalarCount: bytes.count, lowercasing: basic.lowercase)
            case .scalars(let scalars):
                utf8(scalars, into: &scratch)
                count += scratch.withUnsafeBufferPointer {
                    pieceCount($0, scalarCount: scalars.count, lowercasing: false)
                }
            }
        }
        return count
    }

    /// The token strings of `ids`, for debugging.
    public func tokenStrings(_ ids: [Int32]) -> [String] {
        ids.map { Int($0) < tokens.count && $0 >= 0 ? tokens[Int($0)] : "<\($0)>" }
    }

    // MARK: - WordPiece

    /// Greedy longest-match-first WordPiece of one word; the whole word is `[UNK]` if it is too long or
    /// any part has no match.
    private func appendPieces(_ word: UnsafeBufferPointer<UInt8>, scalarCount: Int, lowercasing: Bool,
                              to ids: inout [Int32]) {
        if scalarCount > maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        if let id = words.id(of: word, lowercasing: lowercasing) {
            ids.append(id)
            return
        }
        let mark = ids.count
        var start = 0
        while start < word.count {
            guard let (id, end) = trie.longestMatch(word, from: start, continuing: start > 0,
                                                    lowercasingASCII: lowercasing) else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }

    /// How many ids `appendPieces` would append.
    @inline(__always)
    private func pieceCount(_ word: UnsafeBufferPointer<UInt8>, scalarCount: Int, lowercasing: Bool) -> Int {
        // One byte is one token: itself or [UNK].
        if word.count == 1 || scalarCount > maxInputCharsPerWord { return 1 }
        if words.id(of: word, lowercasing: lowercasing) != nil { return 1 }
        var count = 0
        var start = 0
        while start < word.count {
            guard let (_, end) = trie.longestMatch(word, from: start, continuing: start > 0,
                                                   lowercasingASCII: lowercasing) else { return 1 }
            count += 1
            start = end
        }
        return count
    }

    /// The UTF-8 bytes of `scalars` in `buffer` (reused between words).
    private func utf8(_ scalars: ArraySlice<Unicode.Scalar>, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        for s in scalars { buffer.append(contentsOf: UTF8.encode(s)!) }
    }
}

/// The small parts of a Hugging Face `tokenizer.json` a WordPiece tokenizer needs (decoded with Codable).
private struct TokenizerFile: Decodable {
    /// `vocab` is read by `VocabJSONReader`, not decoded here.
    struct Model: Decodable {
        let type: String?
        let unk_token: String?
        let max_input_chars_per_word: Int?
    }
    struct Normalizer: Decodable {
        let type: String?
        let clean_text: Bool?
        let handle_chinese_chars: Bool?
        let lowercase: Bool?
        let strip_accents: Bool?
    }
    struct AddedToken: Decodable {
        let content: String
        let id: Int32
        let normalized: Bool?
    }
    let model: Model
    let normalizer: Normalizer?
    let added_tokens: [AddedToken]?
}
