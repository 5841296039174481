import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child `cited` process ended: exit status, peak resident memory, wall time and its stderr.
struct ChildRun {
    var status: Int32
    var peakRSSBytes: Int
    var seconds: Double
    var stderr: String
}

/// Runs the built `cited` binary with `arguments` (and extra environment), measuring the child's peak RSS
/// (the test process's own peak cannot be reset, and suites run in parallel). Through GNU `time` when installed
/// (it forks, so the figure is the child's alone); else `wait4`'s, which after `posix_spawn` also counts this
/// process's memory at the time of the spawn (an upper bound).
func runCited(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ChildRun {
    let binary = CrashTests.citedBinary
    let timer = "/usr/bin/time"
    let rssFile = FileManager.default.temporaryDirectory.appendingPathComponent("cited-rss-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: rssFile) }
    let timed = FileManager.default.isExecutableFile(atPath: timer)
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: binary.path])
    }
    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("cited-stderr-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: errorFile) }
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    let argv = (timed ? [timer, "-f", "%M", "-o", rssFile.path] : []) + [binary.path] + arguments
    let envp = environment.map { "\($0.key)=\($0.value)" }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    var pid: pid_t = 0
    let started = Date()
    let spawned = withCStrings(argv) { cArgv in
        withCStrings(envp) { cEnv in posix_spawn(&pid, argv[0], &actions, nil, cArgv, cEnv) }
    }
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Date().timeIntervalSince(started)
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
    var peak = Int(usage.ru_maxrss) * 1024
    if timed, let report = try? String(contentsOf: rssFile, encoding: .utf8),
       let kilobytes = report.split(separator: "\n").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
        peak = kilobytes * 1024
    }
    return ChildRun(status: exit, peakRSSBytes: peak, seconds: seconds, stderr: text)
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Hostile files made on the fly (no bomb is committed).
enum Hostile {
    /// `<!ENTITY l0 "ha">` and `levels` entities each referencing the one below `fanout` times.
    static func laughsDTD(root: String, levels: Int, fanout: Int) -> String {
        var dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE \(root) [\n<!ENTITY l0 \"ha\">\n"
        for level in 1...levels {
            dtd += "<!ENTITY l\(level) \"\(String(repeating: "&l\(level - 1);", count: fanout))\">\n"
        }
        return dtd + "]>\n"
    }

    /// A PubMed set with one article whose abstract (or its Label attribute) holds `payload`.
    static func pubMed(dtd: String = "", abstract: String, label: String? = nil) -> String {
        dtd + "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>t</ArticleTitle>"
            + "<Abstract><AbstractText\(label.map { " Label=\"\($0)\"" } ?? "")>\(abstract)</AbstractText></Abstract>"
            + "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
    }

    /// A JATS article whose body holds `body`.
    static func jats(dtd: String = "", body: String) -> String {
        dtd + "<article><front><article-meta><article-id pub-id-type=\"pmc\">1</article-id><title-group>"
            + "<article-title>T</article-title></title-group></article-meta></front><body>\(body)</body></article>\n"
    }

    /// Writes a single-member gzip file expanding to `prefix` followed by `unit` repeated to about `bytes` in all,
    /// at about 1000× (the deflate maximum): `prefix + unit` go in a stored block, the rest is one dynamic-Huffman
    /// block of 2-bit <length 258, distance unit.count> pairs (RFC 1951). The trailer's CRC is exact up to 256 MB of
    /// output, zero above (such files are refused by a limit before their trailer is read).
    static func gzipBomb(at url: URL, prefix: [UInt8] = [], unit: [UInt8], bytes: Int) throws {
        precondition((1...3).contains(unit.count), "distance codes 0-2 (no extra bits)")
        var out = BitWriter()
        out.bytes = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]  // gzip header, no name, no mtime
        // Stored block (not final) holding the literal start.
        let literal = prefix + unit
        precondition(literal.count < 65_536)
        out.bits(0, 1); out.bits(0, 2); out.align()
        out.bytes += withUnsafeBytes(of: UInt16(literal.count).littleEndian) { Array($0) }
        out.bytes += withUnsafeBytes(of: (~UInt16(literal.count)).littleEndian) { Array($0) }
        out.bytes += literal
        // Dynamic block (final): lit/len symbols 256 (end) and 285 (length 258), 1 bit each; one distance symbol.
        let distance = unit.count - 1
        out.bits(1, 1); out.bits(2, 2)
        out.bits(29, 5)                  // HLIT: 286 lit/len codes
        out.bits(UInt64(distance), 5)    // HDIST: distance + 1 codes
        out.bits(14, 4)                  // HCLEN: 18 code-length code lengths
        // Order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1: 18 → 1 bit, 0 → 2 bits, 1 → 2 bits.
        for length in [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] { out.bits(UInt64(length), 3) }
        // Canonical codes: 18 = 0, 0 = 10, 1 = 11 (Huffman codes go most significant bit first).
        func zeros(_ n: Int) { out.code(0b0, 1); out.bits(UInt64(n - 11), 7) }
        zeros(138); zeros(118)           // literals 0-255 unused
        out.code(0b11, 2)                // 256: length 1
        zeros(28)                        // 257-284 unused
        out.code(0b11, 2)                // 285: length 1
        for _ in 0..<distance { out.code(0b10, 2) }  // distance codes below ours unused
        out.code(0b11, 2)                // our distance code: length 1
        // Pairs: 285 (code 1) then the distance (code 0), 258 bytes each.
        let pairs = max(0, bytes - literal.count) / 258
        for _ in 0..<pairs { out.bits(0b01, 2) }
        out.code(0, 1)                   // 256: end of block
        out.align()
        let total = literal.count + pairs * 258
        var crc: UInt32 = 0
        if total <= 256 << 20 {
            crc = CRC32.update(0, literal)
            var produced = literal.count
            var window = literal.suffix(unit.count)
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 16)
            while produced < total {
                chunk.removeAll(keepingCapacity: true)
                while chunk.count < 1 << 16, produced < total {
                    let byte = window[window.startIndex + (produced - literal.count) % unit.count]
                    chunk.append(byte)
                    produced += 1
                }
                crc = CRC32.update(crc, chunk)
            }
            window = []
        }
        out.bytes += withUnsafeBytes(of: crc.littleEndian) { Array($0) }
        out.bytes += withUnsafeBytes(of: UInt32(truncatingIfNeeded: total).littleEndian) { Array($0) }
        try Data(out.bytes).write(to: url)
    }

    /// `bytes` as one gzip member (the system's `gzip`; members concatenate into one valid stream).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("cited-gz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(bytes).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-9", "-n", "-c", input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return [UInt8](data)
    }
}

/// Bits written least significant first, as deflate packs them.
struct BitWriter {
    var bytes: [UInt8] = []
    private var current: UInt64 = 0
    private var count = 0

    mutating func bits(_ value: UInt64, _ n: Int) {
        current |= value << UInt64(count)
        count += n
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: current))
            current >>= 8
            count -= 8
        }
    }

    /// A Huffman code of `length` bits, most significant bit first.
    mutating func code(_ value: UInt64, _ length: Int) {
        var reversed: UInt64 = 0
        for i in 0..<length where value & (1 << UInt64(i)) != 0 { reversed |= 1 << UInt64(length - 1 - i) }
        bits(reversed, length)
    }

    mutating func align() { if count > 0 { bits(0, 8 - count) } }
}

/// CRC-32 (IEEE), for gzip trailers.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func update(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 {
        var c = ~crc
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return ~c
    }
}
