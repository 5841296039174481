import CitedAnswer
import CitedCore
import CitedEngine
import CitedRetrieve
import Foundation

/// The short human-readable text beside each JSON document. It names sources (id, title, locator) but never
/// quotes passage text: that stays data, inside the JSON.
enum ToolSummaries {
    static func search(_ document: SearchOutput) -> String {
        if document.results.isEmpty { return "No passages found for \"\(document.query)\" (\(document.mode))." }
        var lines = ["\(document.results.count) passages for \"\(document.query)\" (\(document.mode)); "
                     + "cite a passage by its source id, open it with the show tool:"]
        for hit in document.results {
            lines.append("\(hit.rank). \(hit.source.referenceLine) · score \(String(format: "%.4f", hit.score))")
        }
        return lines.joined(separator: "\n")
    }

    static func ask(_ answer: Answer) -> String {
        var lines: [String] = []
        if answer.abstained {
            lines.append(Answer.notFound)
            if let reason = answer.abstentionReason { lines.append("Reason: \(reason.rawValue).") }
            if !answer.absentTerms.isEmpty {
                lines.append("Never mentioned in the sources: \(answer.absentTerms.joined(separator: ", ")).")
            }
            if !answer.nearest.isEmpty {
                lines.append("Related reading (the nearest passages; they do not answer the question):")
                lines += answer.nearest.map { "[\($0.n)] " + $0.source.referenceLine }
            }
            return lines.joined(separator: "\n")
        }
        if let notice = answer.notice { lines.append("⚠ " + notice) }
        lines.append(answer.method == .extractive ? "Answer (quoted from the sources):" : "Checked answer:")
        for sentence in answer.sentences {
            let marks = sentence.citations.map { "[\($0)]" }.joined()
            let flag = sentence.support == .supported ? "" : " (\(sentence.support.rawValue))"
            lines.append("\(sentence.text) \(marks)\(flag)")
        }
        lines.append("References:")
        lines += answer.citations.map { "[\($0.n)] " + $0.source.referenceLine }
        if let id = answer.auditID { lines.append("Stored as answer \(id) (cited ask --replay \(id)).") }
        return lines.joined(separator: "\n")
    }

    static func show(_ shown: ShownDocument) -> String {
        var lines = [shown.title + (shown.year.map { " (\($0))" } ?? "")
                     + " — \(shown.passages.count) passages; ▶ marks the one \(shown.reference) names:"]
        for passage in shown.passages {
            lines.append((passage.focus ? "▶ " : "  ") + "\(passage.source.id) · \(passage.source.locator)")
        }
        return lines.joined(separator: "\n")
    }
}
