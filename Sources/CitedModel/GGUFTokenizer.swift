import CitedTokenizer

extension BPETokenizer {
    /// The byte-level BPE vocabulary stored in a GGUF file's `tokenizer.ggml.*` metadata.
    public convenience init(gguf: GGUFFile) throws {
        let file = gguf.url.lastPathComponent
        let model = try gguf.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw GGUFError.malformed(file: file, reason: "tokenizer.ggml.model '\(model)' is not supported (gpt2 is)")
        }
        let preName = gguf.metadata["tokenizer.ggml.pre"]?.string ?? "default"
        guard let pre = BPEPreTokenizer(ggufName: preName) else {
            throw GGUFError.malformed(file: file, reason: "tokenizer.ggml.pre '\(preName)' is not supported "
                + "(qwen2, smollm, starcoder, gpt-2 are)")
        }
        guard let tokenValues = try gguf.value("tokenizer.ggml.tokens").array else {
            throw GGUFError.malformed(file: file, reason: "tokenizer.ggml.tokens is not an array")
        }
        let tokens = try tokenValues.map { v -> String in
            guard let s = v.string else {
                throw GGUFError.malformed(file: file, reason: "tokenizer.ggml.tokens holds a non-string")
            }
            return s
        }
        let kinds = (gguf.metadata["tokenizer.ggml.token_type"]?.array ?? []).map { $0.int ?? 1 }
        guard kinds.isEmpty || kinds.count == tokens.count else {
            throw GGUFError.malformed(file: file, reason: "token_type has \(kinds.count) entries for \(tokens.count) tokens")
        }
        let merges = (gguf.metadata["tokenizer.ggml.merges"]?.array ?? []).compactMap(\.string)
        let bos = gguf.metadata["tokenizer.ggml.bos_token_id"]?.int.map(Int32.init)
        let eos = gguf.metadata["tokenizer.ggml.eos_token_id"]?.int.map(Int32.init)
        let addBOS = gguf.metadata["tokenizer.ggml.add_bos_token"]?.bool ?? false
        self.init(tokens: tokens, kinds: kinds.isEmpty ? Array(repeating: 1, count: tokens.count) : kinds,
                  merges: merges, pre: pre, bos: bos, eos: eos, addBOS: addBOS)
    }
}

extension ChatTemplate {
    /// The chat template named by `tokenizer.chat_template`.
    public init(gguf: GGUFFile) throws {
        try self.init(jinja: gguf.metadata["tokenizer.chat_template"]?.string)
    }
}
