import CitedCore

/// Picks clinical, code or math from the question's wording and the kinds of the top passages.
public enum DomainRouter {
    static let cues: [Domain: [String]] = [
        .clinical: ["patient", "dose", "dosage", "mg", "treatment", "therapy", "trial", "clinical", "disease",
                    "symptom", "risk", "drug", "mortality", "efficacy", "adverse", "diagnos", "infection", "cancer"],
        .code: ["python", "function", "method", "class", "module", "argument", "parameter", "return", "exception",
                "list", "dict", "string", "import", "api", "()", "_", "library", "iterator", "call"],
        .math: ["integral", "derivative", "matrix", "equation", "solve", "prove", "theorem", "limit", "series",
                "polynomial", "sum", "formula", "inequality", "prime", "$", "\\", "^", "sympy"],
    ]

    /// - Parameter topKinds: kinds of the retrieved passages, best first.
    public static func route(question: String, topKinds: [DocumentKind]) -> Domain {
        let lowered = question.lowercased()
        var scores: [Domain: Double] = [:]
        for (domain, words) in cues {
            scores[domain] = Double(words.filter { lowered.contains($0) }.count) * 0.5
        }
        for (rank, kind) in topKinds.prefix(5).enumerated() {
            scores[kind.defaultDomain, default: 0] += 1.0 / Double(rank + 1)
        }
        return Domain.allCases.max { scores[$0, default: 0] < scores[$1, default: 0] } ?? .clinical
    }
}
