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
