import Foundation
import Hummingbird

/// An OpenAI-style error document: `{"error": {"message": …, "type": …}}`.
enum ErrorBody {
    static func response(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        let body: [String: [String: String]] = ["error": ["message": message, "type": status.reasonPhrase]]
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A JSON response body, encoded as `--json` output is (sorted keys, slashes unescaped).
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
