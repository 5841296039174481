import Foundation
import Testing
@testable import CitedCore

@Test("SHA-256 matches the FIPS 180-4 examples", arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
])
func sha256Vectors(input: String, digest: String) {
    #expect(SHA256.hex(of: Data(input.utf8)) == digest)
}

@Test("Streaming in odd pieces gives the one-shot digest")
func sha256Streaming() {
    let bytes = Data((0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    var hasher = SHA256()
    var offset = 0
    for step in [1, 63, 64, 65, 127, 1000, 4096] where offset < bytes.count {
        let end = min(bytes.count, offset + step)
        hasher.update(bytes[offset..<end])
        offset = end
    }
    hasher.update(bytes[offset...])
    #expect(hasher.finalizeHex() == SHA256.hex(of: bytes))
    // A million 'a' (FIPS 180-4 example).
    #expect(SHA256.hex(of: Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test("A file's digest equals the digest of its bytes")
func sha256File() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID()).bin")
    let bytes = Data((0..<9_000_001).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    try bytes.write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(try SHA256.hex(ofFile: url) == SHA256.hex(of: bytes))
    var hasher = SHA256()
    hasher.update("ab")
    hasher.update("c")
    #expect(hasher.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}
