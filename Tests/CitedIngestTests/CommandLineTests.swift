import CitedCore
import CitedStore
import Foundation
import Testing
@testable import CitedIngest

/// Exit codes and messages of the `cited` binary for hostile arguments and inputs.
@Suite("Command line: validation and ingest exit codes", .serialized)
struct CommandLineTests {
    @Test("out-of-range integers and thresholds are usage errors (exit 2), never traps", arguments: [
        (["search", "q", "--k", "4294967296"], "--k"),
        (["search", "q", "--k", "0"], "--k"),
        (["search", "q", "--cap", "-1"], "--cap"),
        (["eval", "retrieval", "--questions", "q.jsonl", "--k", "100000"], "--k"),
        (["ask", "q", "--k", "4294967296"], "--k"),
        (["ask", "q", "--max-tokens", "0"], "--max-tokens"),
        (["ask", "q", "--max-tokens", "99999999999"], "--max-tokens"),
        (["ask", "q", "--min-evidence", "1.5"], "--min-evidence"),
        (["ask", "q", "--min-evidence", "nan"], "--min-evidence"),
        (["ask", "--replay", "-3"], "--replay"),
        (["show", "passage:1", "--context=-1"], "--context"),
        (["show", "passage:1", "--context", "9223372036854775807"], "--context"),
        (["generate", "hi", "--context", "-1"], "--context"),
        (["generate", "hi", "--context", "4294967296"], "--context"),
        (["generate", "hi", "--max-tokens", "-5"], "--max-tokens"),
        (["generate", "hi", "--top-p", "2"], "--top-p"),
        (["generate", "hi", "--threads", "100000"], "--threads"),
        (["eval", "answers", "--questions", "q.jsonl", "--limit", "0"], "--limit"),
        (["embed", "x", "--threads", "0"], "--threads"),
        (["search", "?!"], "no words"),
        (["search", ""], "no words"),
        (["ask", " ... "], "no words"),
    ])
    func validation(arguments: [String], option: String) throws {
        let run = try runCited(arguments + ["--index", "/nonexistent-cited-index"])
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(option), "\(arguments): \(run.stderr)")
    }

    @Test("hostile model files given to generate: a one-line error, no signal, peak RSS under 300 MB")
    func hostileModels() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func str(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }
        let header = le(UInt32(0x4655_4747)) + le(UInt32(3))
        // A metadata array claiming 3G uint32 elements.
        let array = header + le(UInt64(0)) + le(UInt64(1)) + str("tokenizer.ggml.tokens") + le(UInt32(9)) + le(UInt32(4))
            + le(UInt64(3_000_000_000)) + [UInt8](repeating: 0, count: 4096)
        // A tensor whose dimensions multiply past 2^64.
        var dims = header + le(UInt64(1)) + le(UInt64(0)) + str("token_embd.weight") + le(UInt32(4))
        for _ in 0..<4 { dims += le(UInt64(1) << 39) }
        dims += le(UInt32(0)) + le(UInt64(0)) + [UInt8](repeating: 0, count: 4096)
        var files: [(String, URL)] = []
        for (name, bytes) in [("array.gguf", array), ("dims.gguf", dims)] {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            files.append((name, url))
        }
        let fifo = folder.appendingPathComponent("fifo.gguf")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        files.append(("fifo.gguf", fifo))
        for (name, url) in files {
            let run = try runCited(["generate", "hello", "--model", url.path, "--max-tokens", "1"])
            print("hostile \(name): exit \(run.status), peak RSS \(run.peakRSSBytes >> 20) MB, "
                + String(format: "%.2f s", run.seconds))
            #expect(run.status == 1, "\(name): \(run.stderr)")
            #expect(run.stderr.hasPrefix("error: ") && run.stderr.contains(name), "\(name): \(run.stderr)")
            #expect(run.peakRSSBytes < 300 << 20)
        }
    }

    @Test("bad expansion limits in the environment are usage errors")
    func environment() throws {
        let run = try runCited(["ingest", "--dry-run", "/nonexistent"], environment: ["CITED_MAX_EXPANSION_RATIO": "0"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("CITED_MAX_EXPANSION_RATIO"), "\(run.stderr)")
    }

    @Test("an index in a read-only folder: one line naming the folder, not SQLite's code")
    func readOnlyIndexFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index").path
        let notes = try corpus(["notes"])
        defer { try? FileManager.default.removeItem(at: notes.deletingLastPathComponent()) }
        #expect(try runCited(["ingest", notes.path, "--index", index, "--no-embed"]).status == 0)
        // Root writes through permission bits, so as root the folder is bind-mounted read-only in a private
        // mount namespace; otherwise its permission bits make it read-only.
        let process = Process()
        let errors = Pipe()
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = ["-m", "--propagation", "private", "sh", "-c",
                                 #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$0" index status --index "$1""#,
                                 CrashTests.citedBinary.path, index]
        } else {
            chmod(index, 0o555)
            process.executableURL = CrashTests.citedBinary
            process.arguments = ["index", "status", "--index", index]
        }
        defer { chmod(index, 0o755) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("index folder \(index) is read-only"), "\(stderr)")
        #expect(!stderr.contains("SQLite error"), "\(stderr)")
    }

    @Test("ingest exits 1 when nothing could be ingested, 0 when something was")
    func ingestExitCodes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("index").path
        let bad = try corpus(["bad"])
        defer { try? FileManager.default.removeItem(at: bad.deletingLastPathComponent()) }
        var run = try runCited(["ingest", bad.path, "--index", index, "--no-embed"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("error: nothing could be ingested"), "\(run.stderr)")
        run = try runCited(["ingest", folder.appendingPathComponent("missing").path, "--index", index, "--no-embed"])
        #expect(run.status == 1, "\(run.stderr)")
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        run = try runCited(["ingest", empty.path, "--index", index, "--no-embed"])
        #expect(run.status == 1 && run.stderr.contains("no supported files"), "\(run.stderr)")
        run = try runCited(["ingest", "--dry-run", bad.path])
        #expect(run.status == 1, "\(run.stderr)")
        let notes = try corpus(["notes"])
        defer { try? FileManager.default.removeItem(at: notes.deletingLastPathComponent()) }
        run = try runCited(["ingest", notes.path, bad.path, "--index", index, "--no-embed"])
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test("symbolic links: one warning each by default; followed loop-proof with --follow-symlinks")
    func symlinks() throws {
        let root = try corpus(["notes"])
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let fm = FileManager.default
        let outside = root.deletingLastPathComponent().appendingPathComponent("outside")
        try fm.createDirectory(at: outside, withIntermediateDirectories: true)
        try "# Outside\n\nA note kept outside the corpus.\n".write(to: outside.appendingPathComponent("o.md"),
                                                                      atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("linked").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: root.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("notes/again.md").path,
                                  withDestinationPath: outside.appendingPathComponent("o.md").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("broken.md").path, withDestinationPath: "/nonexistent")
        #expect(mkfifo(root.appendingPathComponent("pipe.md").path, 0o600) == 0)

        let plain = try Ingester(store: nil, chunker: Chunker(counter: WordCounter())).discover(root.path)
        #expect(plain.files.count == 3)
        #expect(plain.warnings.filter { $0.contains("symbolic link skipped") }.count == 4, "\(plain.warnings)")
        #expect(plain.warnings.contains { $0.hasSuffix("pipe.md: not a regular file, skipped") }, "\(plain.warnings)")

        let following = try Ingester(store: nil, chunker: Chunker(counter: WordCounter()),
                                     options: IngestOptions(followSymlinks: true)).discover(root.path)
        #expect(Set(following.files.map(\.relative)) == Set(plain.files.map(\.relative) + ["linked/o.md", "notes/again.md"]))
        #expect(following.warnings.contains { $0.contains("loop: directory already visited") }, "\(following.warnings)")
        #expect(following.warnings.contains { $0.contains("broken.md: broken symbolic link skipped") })

        let index = root.deletingLastPathComponent().appendingPathComponent("index").path
        let run = try runCited(["ingest", root.path, "--index", index, "--no-embed"])
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") && !$0.contains("tokenizer") }
        #expect(warnings.count == 5, "\(run.stderr)")
        let followed = try runCited(["ingest", root.path, "--index", index, "--no-embed", "--follow-symlinks"])
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(followed.stderr.contains("directory already visited"), "\(followed.stderr)")
    }

    @Test("unreadable folders and files are skipped with a warning (not as root)")
    func unreadable() throws {
        guard getuid() != 0 else { return }  // root reads everything
        let root = try corpus(["notes"])
        defer {
            chmod(root.appendingPathComponent("notes").path, 0o755)
            try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
        }
        chmod(root.appendingPathComponent("notes/primes.tex").path, 0)
        let scan = try Ingester(store: nil, chunker: Chunker(counter: WordCounter())).discover(root.path)
        #expect(scan.warnings.contains { $0.contains("primes.tex: unreadable file skipped") }, "\(scan.warnings)")
        chmod(root.appendingPathComponent("notes").path, 0)
        let again = try Ingester(store: nil, chunker: Chunker(counter: WordCounter())).discover(root.path)
        #expect(again.warnings.contains { $0.contains("notes: directory skipped") }, "\(again.warnings)")
    }
}

@Suite("Ingest walk: skipped files and --prune")
struct IngestWalkTests {
    @Test("a file skipped for now (here: replaced by a FIFO) keeps its documents under --prune; a deleted one does not")
    func pruneKeepsSkipped() throws {
        let root = try corpus(["notes"])
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let store = try Store(url: root.deletingLastPathComponent().appendingPathComponent("index/cited.sqlite"))
        let (first, _) = try ingest(store, [root.path], options: IngestOptions(prune: true))
        #expect(first.files.ingested == 3)
        let primes = root.appendingPathComponent("notes/primes.tex")
        try FileManager.default.removeItem(at: primes)
        #expect(mkfifo(primes.path, 0o600) == 0)
        try FileManager.default.removeItem(at: root.appendingPathComponent("notes/biopython-chapter_popgen.tex"))
        let (second, errors) = try ingest(store, [root.path], options: IngestOptions(prune: true))
        #expect(errors.isEmpty, "\(errors)")
        #expect(second.warnings.count == 1 && second.warnings[0].hasSuffix("notes/primes.tex: not a regular file, skipped"),
                "\(second.warnings)")
        #expect(second.files.pruned == 1, "only the deleted file")
        #expect(second.files.unchanged == 1)
    }
}
