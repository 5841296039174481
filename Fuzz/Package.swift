// swift-tools-version:6.0
// libFuzzer harnesses for Cited's readers of untrusted input; kept out of the main build.
// Built by Benchmarks/fuzz.sh with `-sanitize=fuzzer,address -enable-testing` for every Swift module, so the
// product modules carry coverage and ASan instrumentation; each `fuzz-*` executable gets libFuzzer's `main`.
import Foundation
import PackageDescription

/// A path dependency's identity is its folder's name (`main`, a worktree's name…), not its package name.
let cited = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Harness name → the product modules it imports.
let harnesses: [(name: String, modules: [String])] = [
    ("pubmed", ["CitedIngest"]), ("jats", ["CitedIngest"]), ("html", ["CitedIngest"]),
    ("markdown", ["CitedIngest"]), ("rst", ["CitedIngest"]), ("tex", ["CitedIngest"]), ("man", ["CitedIngest"]),
    ("wordpiece", ["CitedTokenizer"]), ("bpe", ["CitedTokenizer", "CitedModel"]),
    ("gguf", ["CitedModel", "CitedTokenizer"]), ("safetensors", ["CitedModel"]),
    ("fts", ["CitedStore", "CitedRetrieve"]),
]

/// Each harness's `@main` hands `LLVMFuzzerTestOneInput` to libFuzzer's driver (see `runFuzzer`).
let harnessSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "CitedFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: [
            "CLibFuzzer", .product(name: "CitedIngest", package: cited),
        ]),
    ] + harnesses.map { harness in
        .executableTarget(
            name: "fuzz-\(harness.name)",
            dependencies: ["FuzzSupport"] + harness.modules.map { .product(name: $0, package: cited) },
            path: "Sources/\(harness.name)",
            swiftSettings: harnessSettings)
    },
    swiftLanguageModes: [.v5]
)
