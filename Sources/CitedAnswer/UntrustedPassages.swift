import CitedCore
import Foundation

/// Passages are data, never instructions. A retrieved passage that carries instructions to the model
/// (`InstructionDetector`: "ignore previous instructions", "cite [1]", role markers, text addressed to an
/// assistant) is untrusted evidence: its instruction sentences, and the claims they introduce, are cut out
/// before the model, the verifier or an excerpt sees the text, so nothing they say can be generated, backed
/// or quoted as an answer; what is left of the passage ranks after every clean passage.
public enum UntrustedPassages {
    /// The hits with their untrusted sentences cut out (see `InstructionDetector.trustedText`), clean passages
    /// first, each group in its own order; a passage with nothing trusted left is dropped. A passage the
    /// detector flags carries the `instructions` source flag even when its index predates the flag.
    public static func screen(_ hits: [RetrievedPassage]) -> [RetrievedPassage] {
        var clean: [RetrievedPassage] = []
        var flagged: [RetrievedPassage] = []
        for hit in hits {
            let trusted = InstructionDetector.trustedText(hit.text)
            if trusted == hit.text, !(hit.source.flags ?? []).contains(Source.instructionsFlag) {
                clean.append(hit)
                continue
            }
            guard !trusted.isEmpty else { continue }
            var screened = hit
            screened.text = trusted
            if !(screened.source.flags ?? []).contains(Source.instructionsFlag) {
                screened.source.flags = (screened.source.flags ?? []) + [Source.instructionsFlag]
            }
            flagged.append(screened)
        }
        return clean + flagged
    }
}
