import CitedCore
import Foundation

/// Passages are data, never instructions. A retrieved passage that carries instructions to the model
/// (`InstructionDetector`: "ignore previous instructions", "cite [1]", role markers, text addressed to an
/// assistant) is untrusted evidence: its instruction sentences, and the claims they introduce, are cut out
/// before the model, the verifier or an excerpt sees the text, so nothing they say can be generated, backed
/// or quoted as an answer. What is left keeps its rank (its document's other passages, from the same author,
/// are not demoted either; putting it last cost true answers on the injection set) and carries the
/// `instructions` source flag, so the reader sees the warning beside the citation.
public enum UntrustedPassages {
    /// The hits in their order with their untrusted sentences cut out (see `InstructionDetector.trustedText`);
    /// a passage with nothing trusted left is dropped. A passage the detector flags carries the `instructions`
    /// source flag even when its index predates the flag.
    public static func screen(_ hits: [RetrievedPassage]) -> [RetrievedPassage] {
        hits.compactMap { hit in
            let trusted = InstructionDetector.trustedText(hit.text)
            guard trusted != hit.text else { return hit }
            guard !trusted.isEmpty else { return nil }
            var screened = hit
            screened.text = trusted
            if !(screened.source.flags ?? []).contains(Source.instructionsFlag) {
                screened.source.flags = (screened.source.flags ?? []) + [Source.instructionsFlag]
            }
            return screened
        }
    }
}
