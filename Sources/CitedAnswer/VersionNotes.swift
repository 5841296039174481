import Foundation

/// Sphinx documentation records how an API changed in notes ("Changed in version 3.5: If *max_workers* is
/// ``None`` … multiplied by ``5``"), and a later note on the same entry can revise an earlier one ("Changed in
/// version 3.8: Default value of *max_workers* is changed to …"). The earlier note is history: stated as
/// today's behaviour it is wrong. These notes are found, the later one is given to the model beside the
/// earlier (`Answerer.withLaterNotes`), and a sentence taken from a superseded note fails (`superseded`).
public enum VersionNotes {
    /// One "Changed in version X:" note.
    struct Note: Equatable {
        /// The version's numbers (3.8 → [3, 8]).
        var version: [Int]
        /// As written ("3.8").
        var versionText: String
        /// The parameters and code names it is about (`*max_workers*`, ``` ``None`` ```), lowercased.
        var names: Set<String>
        /// The note, from its marker to the end of its paragraph.
        var text: String

        /// Whether it revises behaviour (a changed default, something no longer done), rather than only adding
        /// a parameter, which leaves what older notes say true.
        var revises: Bool {
            let lowered = text.lowercased()
            return VersionNotes.revisingPhrases.contains { lowered.contains($0) }
        }

        /// Whether this note revises `earlier`: a later version, about one of its names, changing behaviour.
        func supersedes(_ earlier: Note) -> Bool {
            earlier.version.lexicographicallyPrecedes(version) && !names.isDisjoint(with: earlier.names) && revises
        }
    }

    static let markers = ["Changed in version ", ".. versionchanged:: "]
    static let revisingPhrases = ["changed to", "default", "no longer", "now ", "instead", "removed", "is changed"]

    /// The notes of `text`, in order. A note runs to the end of its paragraph or to the next version marker.
    static func notes(in text: String) -> [Note] {
        var notes: [Note] = []
        for paragraph in text.components(separatedBy: "\n\n") {
            var rest = Substring(paragraph)
            while let marker = markers.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                let versionText = String(rest[marker.upperBound...].prefix { $0.isNumber || $0 == "." })
                    .trimmingCharacters(in: CharacterSet(charactersIn: "."))
                let body = rest[marker.upperBound...]
                let end = (markers + ["New in version ", "Deprecated since version "])
                    .compactMap { body.range(of: $0)?.lowerBound }.min() ?? body.endIndex
                let version = versionText.split(separator: ".").compactMap { Int($0) }
                if !version.isEmpty {
                    let noteText = String(rest[marker.lowerBound..<end])
                    notes.append(Note(version: version, versionText: versionText, names: names(in: noteText),
                                      text: noteText))
                }
                rest = body[end...]
            }
        }
        return notes
    }

    /// Emphasised parameters (`*name*`) and code spans (``` ``name`` ```) that are names, lowercased.
    static func names(in note: String) -> Set<String> {
        var names = Set<String>()
        for delimiter in ["``", "*"] {
            let parts = note.components(separatedBy: delimiter)
            for (index, part) in parts.enumerated() where index % 2 == 1 {
                let name = part.trimmingCharacters(in: .whitespaces)
                if name.count >= 2, name.first?.isLetter == true || name.first == "_",
                   name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }),
                   !["None", "True", "False"].contains(name) {
                    names.insert(name.lowercased())
                }
            }
        }
        return names
    }

    /// The later note among `others` that revises the note of `notes` (the notes of the `cited` passages) that
    /// `claim` is taken from, when the claim does not place itself in that note's version ("in Python 3.5 …" is
    /// history, correctly told). The claim is taken from a note when the passage sentence that shares the most
    /// of its words lies inside it.
    static func superseding(_ claim: String, cited: [String], notes: [Note], others: [Note]) -> Note? {
        guard !notes.isEmpty else { return nil }
        let unit = Entailment.Unit(claim)
        let sentences = cited.flatMap { SentenceSplitter.split($0).map { Entailment.Unit($0.text) } }
        guard let best = Entailment.bestMatch(for: unit, among: sentences), !best.stems.isDisjoint(with: unit.stems),
              let source = notes.first(where: { $0.text.contains(best.text) || best.text.contains($0.text) }),
              !claim.contains(source.versionText) else { return nil }
        return (notes + others).filter { $0.supersedes(source) }
            .max { $0.version.lexicographicallyPrecedes($1.version) }
    }
}
