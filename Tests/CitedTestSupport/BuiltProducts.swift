import Foundation

/// What `swift build` made, for the tests that run the `cited` executable as a user would.
public enum BuiltProducts {
    /// The `cited` executable in the products folder that holds the running tests, whatever `--scratch-path` or
    /// configuration the build used (Linux: beside `CitedPackageTests.xctest`; macOS: beside the `.xctest` bundle).
    public static var cited: URL {
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .resolvingSymlinksInPath()
        let folders = [executable.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
        for folder in folders {
            let url = folder.appendingPathComponent("cited")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return folders[0].appendingPathComponent("cited")  // missing: callers report "build first"
    }
}

extension BuiltProducts {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the built `cited` to its end, its output discarded; returns the exit status.
    public static func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = cited
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Corpora/demo ingested (real MiniLM vectors) into a new temporary index folder named after `label`.
    public static func demoIndex(_ label: String) throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: cited.path) else {
            throw Failure(description: "build first: swift build -c release --build-tests (looked at \(cited.path))")
        }
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        let corpus = TestScripts.package.appendingPathComponent("Corpora/demo")
        guard try run(["ingest", corpus.path, "--index", index.path]) == 0 else {
            throw Failure(description: "cited ingest of the demo corpus failed")
        }
        return index
    }
}
