import CitedCore
import Foundation

/// Dispatch for the whole-file formats (everything but PubMed, which streams).
enum TextFormats {
    static func parse(format: FileFormat, path: String, relative: String, display: String) throws -> [ParsedDocument] {
        switch format {
        case .pubmed:
            return []
        case .jats:
            return [try JATSParser().parse(path: path, relative: relative, display: display)]
        default:
            throw IngestError.unsupportedFormat(path: display)
        }
    }
}
