// swift-tools-version:6.0
// Cited: cited answers from a corpus you own, offline on a CPU.
// One library per concern; dependencies point downward; only `cited` imports ArgumentParser.
// Language mode 5 for the numeric modules (they share raw buffers across threads by design); 6 elsewhere.
import PackageDescription

/// Release builds of numeric code drop bounds checks, in the hot modules only.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
/// Swift 6 language mode (full data-race checking) for every module that is not numeric.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Cited",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cited", targets: ["cited"]),
        // Libraries read on untrusted input, exported for the fuzz harnesses in Fuzz/ (a separate package).
        .library(name: "CitedIngest", targets: ["CitedIngest"]),
        .library(name: "CitedTokenizer", targets: ["CitedTokenizer"]),
        .library(name: "CitedModel", targets: ["CitedModel"]),
        .library(name: "CitedStore", targets: ["CitedStore"]),
        .library(name: "CitedRetrieve", targets: ["CitedRetrieve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libxml2-dev).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),

        // Shared value types and paths; no dependencies.
        .target(name: "CitedCore", swiftSettings: swift6),
        // The model cache: known models, fetch from PyPI wheels, sha256 verification.
        .target(name: "CitedCache", dependencies: ["CitedCore", logging], swiftSettings: swift6),
        // Hot loops only: BLAS wrappers, SIMD and quantized dot products, top-k.
        // C for what Swift cannot emit (intrinsics with run-time CPU dispatch).
        .target(name: "CCitedKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "CitedKernels", dependencies: ["CBLAS", "CCitedKernels"], swiftSettings: fastMath),
        // WordPiece (BERT) and byte-level BPE (GGUF) tokenizers.
        .target(name: "CitedTokenizer", dependencies: ["CitedCore"], swiftSettings: fastMath),
        // Weight files (safetensors, GGUF) and forward passes (Bert, Llama/Qwen2), KV cache.
        .target(name: "CitedModel", dependencies: ["CitedCore", "CitedKernels", "CitedTokenizer"],
                swiftSettings: fastMath),
        // Sampling and the token loop.
        .target(name: "CitedGenerate", dependencies: ["CitedCore", "CitedModel", "CitedTokenizer", "CitedKernels"]),
        // The SQLite store: schema, migrations, FTS5, vectors.
        .target(name: "CitedStore", dependencies: ["CitedCore", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: swift6),
        // The PostgreSQL + pgvector backend of the store (`--store postgres://…`); kept out of CitedStore so that
        // SQLite-only clients (the fuzz harnesses) do not build SwiftNIO.
        .target(name: "CitedPostgres", dependencies: ["CitedCore", "CitedStore", logging,
                                                      .product(name: "PostgresNIO", package: "postgres-nio")],
                swiftSettings: swift6),
        // Parsers (PubMed, JATS, Markdown, reST, HTML, man, LaTeX) and the chunker.
        .target(name: "CitedIngest", dependencies: ["CitedCore", "CitedStore", "CLibXML2", logging], swiftSettings: swift6),
        // Dense, BM25 and fused retrieval with filters; retrieval evaluation.
        .target(name: "CitedRetrieve", dependencies: ["CitedCore", "CitedStore", "CitedKernels"],
                swiftSettings: fastMath + swift6),
        // Answers: domain routing, prompts, packing, citation constraint and checking, abstention.
        .target(name: "CitedAnswer", dependencies: ["CitedCore", "CitedStore", "CitedRetrieve", "CitedModel",
                                                    "CitedGenerate", "CitedTokenizer", "CitedKernels"],
                swiftSettings: swift6),

        // OpenAI-compatible model servers: streamed chat completions and embeddings over HTTP, with retries.
        // The only module that opens sockets to a model server, and only for an endpoint the user configured.
        .target(name: "CitedEndpoints", dependencies: ["CitedCore", "CitedAnswer", logging,
                                                       .product(name: "AsyncHTTPClient", package: "async-http-client")],
                swiftSettings: swift6),

        // Cited as a library: an open index, its models and caches in one place, safe to share across
        // tasks; the CLI and the servers are its clients.
        .target(name: "CitedEngine", dependencies: ["CitedCore", "CitedCache", "CitedKernels", "CitedModel",
                                                    "CitedStore", "CitedPostgres", "CitedIngest", "CitedRetrieve", "CitedAnswer",
                                                    "CitedEndpoints"],
                swiftSettings: swift6),

        // `cited serve`: the engine over HTTP (OpenAI-compatible chat, search, passages, metrics, the web page).
        .target(name: "CitedServer", dependencies: ["CitedEngine", .product(name: "Hummingbird", package: "hummingbird")],
                swiftSettings: swift6),

        // The MCP server: tools `search`, `ask` and `show` over the engine, for agents.
        .target(name: "CitedMCP", dependencies: ["CitedCore", "CitedRetrieve", "CitedAnswer", "CitedEngine",
                                                 .product(name: "MCP", package: "swift-sdk")],
                swiftSettings: swift6),

        // The command line: commands only.
        .executableTarget(name: "cited", dependencies: [
            "CitedCore", "CitedCache", "CitedKernels", "CitedTokenizer", "CitedModel", "CitedGenerate",
            "CitedStore", "CitedPostgres", "CitedIngest", "CitedRetrieve", "CitedAnswer", "CitedEndpoints", "CitedEngine",
            "CitedServer",
            "CitedMCP", logging,
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swift6),

        // Shared by the test targets that run the built `cited` (not part of any product).
        .target(name: "CitedTestSupport", path: "Tests/CitedTestSupport"),
        .testTarget(name: "CitedCoreTests", dependencies: ["CitedCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedCacheTests", dependencies: ["CitedCache"]),
        .testTarget(name: "CitedKernelsTests", dependencies: ["CitedKernels"]),
        .testTarget(name: "CitedTokenizerTests", dependencies: ["CitedTokenizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedModelTests", dependencies: ["CitedModel", "CitedCache"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedGenerateTests", dependencies: ["CitedGenerate", "CitedCache"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedStoreTests", dependencies: ["CitedStore"]),
        .testTarget(name: "CitedPostgresTests", dependencies: ["CitedPostgres", "CitedStore", "CitedIngest", "CitedRetrieve", "CitedTestSupport",
                                                            .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "CitedIngestTests", dependencies: ["CitedIngest", "CitedStore", "CitedTokenizer", "CitedTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedRetrieveTests", dependencies: ["CitedRetrieve", "CitedStore"]),
        .testTarget(name: "CitedAnswerTests", dependencies: ["CitedAnswer", "CitedTestSupport"]),
        .testTarget(name: "CitedEngineTests", dependencies: ["CitedEngine", "CitedTestSupport"]),
        .testTarget(name: "CitedServerTests", dependencies: ["CitedServer", "CitedTestSupport", .product(name: "Hummingbird", package: "hummingbird")],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CitedEndpointsTests", dependencies: ["CitedEndpoints", "CitedEngine", "CitedAnswer", "CitedModel", "CitedTestSupport"]),
        .testTarget(name: "CitedMCPTests", dependencies: ["CitedMCP", "CitedEngine", "CitedTestSupport", .product(name: "MCP", package: "swift-sdk")]),
    ],
    swiftLanguageModes: [.v5]
)
