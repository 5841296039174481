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
    /// Special tokens matched in raw text: (scalars, id), longest first.
    private let specials: [([Unicode.Scalar], Int32)]

    /// Loads `tokenizer.json` (HF `tokenizers` format). Its own truncation and padding are ignored.
    public convenience init(tokenizerJSON url: URL, maxLength: Int = 256) throws {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WordPieceError.unreadable(path: path, reason: error.localizedDescription)
        }
        let file: TokenizerFile
        do { file = try JSONDecoder().decode(TokenizerFile.self, from: data) } catch {
            throw WordPieceError.malformed(path: path, reason: "no model.vocab in a JSON object (\(error))")
        }
        let model = file.model
        if let type = model.type, type != "WordPiece" {
            throw WordPieceError.malformed(path: path, reason: "model type \(type), expected WordPiece")
        }
        let vocab = model.vocab
        var tokens = [String](repeating: "", count: vocab.count)
        for (token, id) in vocab {
            guard id >= 0, id < vocab.count else {
                throw WordPieceError.malformed(path: path, reason: "bad id for token \(token)")
            }
            tokens[id] = token
        }
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
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw WordPieceError.unreadable(path: path, reason: error.localizedDescription)
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

    /// Builds a tokenizer from its vocabulary; `specials` are matched verbatim in the input text.
    public init(tokens: [String], basic: BertBasicTokenizer, specials: [String: Int32], unknown: String,
                maxInputCharsPerWord: Int, maxLength: Int, path: String = "<memory>") throws {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        var ids: [String: Int32] = [:]
        for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(id) }
        func id(_ token: String) throws -> Int32 {
            guard let id = ids[token] else { throw WordPieceError.missingToken(token: token, path: path) }
            return id
        }
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        unknownID = try id(unknown)
        padID = ids["[PAD]"] ?? 0
        self.tokens = tokens
        self.basic = basic
        self.maxLength = maxLength
        self.maxInputCharsPerWord = maxInputCharsPerWord
        trie = ByteTrie(tokens: tokens, continuingPrefix: "##")
        self.specials = specials.map { (Array($0.key.unicodeScalars), $0.value) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
    }

    /// `[CLS] ids… [SEP]`, truncated to `maxLength`.
    public func encode(_ text: String) -> [Int32] {
        encode(text, limit: maxLength)
    }

    /// `[CLS] ids… [SEP]`, truncated to `limit` ids if given.
    public func encode(_ text: String, limit: Int?) -> [Int32] {
        var ids: [Int32] = [clsID]
        let budget = limit.map { max(0, $0 - 2) } ?? Int.max
        appendContentIDs(of: text, to: &ids, budget: budget)
        ids.append(sepID)
        return ids
    }

    /// Token count of `text` with `[CLS]` and `[SEP]`, not truncated: the chunker compares it to `maxLength`.
    public func tokenCount(_ text: String) -> Int {
        var ids: [Int32] = []
        appendContentIDs(of: text, to: &ids, budget: Int.max)
        return ids.count + 2
    }

    /// The token strings of `ids`, for debugging.
    public func tokenStrings(_ ids: [Int32]) -> [String] {
        ids.map { Int($0) < tokens.count && $0 >= 0 ? tokens[Int($0)] : "<\($0)>" }
    }

    // MARK: - Pipeline

    private func appendContentIDs(of text: String, to ids: inout [Int32], budget: Int) {
        let start = ids.count
        var full: Bool { ids.count - start >= budget }
        forEachSegment(of: text) { segment, special in
            if full { return }
            if let special { ids.append(special); return }
            let scalars = basic.normalize(segment)
            basic.forEachWord(in: scalars) { word in
                if full { return }
                appendWordPieces(word, to: &ids)
            }
        }
        if ids.count - start > budget { ids.removeSubrange((start + budget)...) }
    }

    /// Splits raw text on special tokens (leftmost, longest first): calls `body` with plain text or a special id.
    private func forEachSegment(of text: String, _ body: (Substring, Int32?) -> Void) {
        guard !specials.isEmpty, text.unicodeScalars.contains(where: { s in specials.contains { $0.0[0] == s } })
        else {
            body(Substring(text), nil)
            return
        }
        let view = text.unicodeScalars
        var plainStart = view.startIndex
        var i = view.startIndex
        while i < view.endIndex {
            var matched: (end: String.UnicodeScalarView.Index, id: Int32)?
            for (pattern, id) in specials where pattern[0] == view[i] {
                var j = i
                var k = 0
                while k < pattern.count, j < view.endIndex, view[j] == pattern[k] {
                    j = view.index(after: j)
                    k += 1
                }
                if k == pattern.count { matched = (j, id); break }
            }
            if let (end, id) = matched {
                if plainStart < i { body(Substring(view[plainStart..<i]), nil) }
                body("", id)
                i = end
                plainStart = end
            } else {
                i = view.index(after: i)
            }
        }
        if plainStart < view.endIndex { body(Substring(view[plainStart..<view.endIndex]), nil) }
    }

    /// Greedy longest-match-first WordPiece; the whole word is `[UNK]` if any part has no match.
    private func appendWordPieces(_ word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        if word.count > maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(word.count * 2)
        for s in word { bytes.append(contentsOf: UTF8.encode(s)!) }
        let mark = ids.count
        var start = 0
        while start < bytes.count {
            guard let (id, end) = trie.longestMatch(bytes, from: start, continuing: start > 0) else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}

/// A byte trie over the vocabulary: word-initial pieces and `##` continuations in separate roots.
struct ByteTrie: Sendable {
    /// (node << 8 | byte) → child node.
    private var children: [Int: Int32] = [:]
    /// Token id ending at each node, or -1.
    private var terminal: [Int32] = [-1, -1]
    private static let initialRoot = 0
    private static let continuingRoot = 1

    init(tokens: [String], continuingPrefix: String) {
        for (id, token) in tokens.enumerated() {
            // Bytes, not Characters: "##ि" is two Characters, "#" and "#ि".
            var root = Self.initialRoot
            var body = Array(token.utf8)
            let prefix = Array(continuingPrefix.utf8)
            if body.count > prefix.count && body.starts(with: prefix) {
                root = Self.continuingRoot
                body.removeFirst(prefix.count)
            }
            var node = root
            for byte in body {
                let key = node << 8 | Int(byte)
                if let child = children[key] {
                    node = Int(child)
                } else {
                    let child = terminal.count
                    terminal.append(-1)
                    children[key] = Int32(child)
                    node = child
                }
            }
            if node != root && terminal[node] < 0 { terminal[node] = Int32(id) }
        }
    }

    /// The longest token matching `bytes[from...]`: its id and where it ends.
    func longestMatch(_ bytes: [UInt8], from: Int, continuing: Bool) -> (Int32, Int)? {
        var node = continuing ? Self.continuingRoot : Self.initialRoot
        var best: (Int32, Int)?
        var i = from
        while i < bytes.count, let child = children[node << 8 | Int(bytes[i])] {
            node = Int(child)
            i += 1
            if terminal[node] >= 0 { best = (terminal[node], i) }
        }
        return best
    }
}

/// The parts of a Hugging Face `tokenizer.json` a WordPiece tokenizer needs (decoded with Codable:
/// several times faster than JSONSerialization on the 30k-entry vocabulary).
private struct TokenizerFile: Decodable {
    struct Model: Decodable {
        let type: String?
        let vocab: [String: Int]
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
