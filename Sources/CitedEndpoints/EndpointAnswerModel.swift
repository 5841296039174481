import CitedAnswer
import Foundation

/// An answer model served by an OpenAI-compatible server (`[models] clinical = "endpoint:NAME"`, or
/// `--model endpoint:NAME`): the same prompt as the local engine, streamed from `/v1/chat/completions`,
/// greedy; citation markers constrained by the server where it can (`constrain`), else filtered by the
/// answer pipeline before checking.
public final class EndpointAnswerModel: RemoteAnswerModel {
    public let client: EndpointClient
    private let isCancelled: () -> Bool
    /// The last completion: requests made, and seconds to its first text.
    public private(set) var lastAttempts = 0, lastFirstTextSeconds = 0.0

    public init(client: EndpointClient, isCancelled: @escaping () -> Bool = { false }) {
        self.client = client
        self.isCancelled = isCancelled
    }

    /// `endpoint:NAME`, the name routing used.
    public var name: String { EndpointConfiguration.prefix + client.configuration.name }

    public var endpoint: AnswerEndpoint {
        let configuration = client.configuration
        return AnswerEndpoint(name: configuration.name, model: configuration.model, baseURL: configuration.baseURL,
                              constraint: configuration.constrain.rawValue)
    }

    public func generate(_ prompt: Prompt, maxTokens: Int, seed: UInt64, stop: [String], allowedCitations: Set<Int>,
                         mayDecline: Bool, onText: (String) -> Void) throws -> String {
        var chat = ChatParameters(maxTokens: maxTokens, seed: seed, stop: stop,
                                        allowedCitations: allowedCitations.isEmpty ? nil : allowedCitations)
        chat.mayDecline = mayDecline
        let client = client, parameters = chat
        let history = prompt.exchanges.map { (user: $0.user, assistant: $0.assistant) }
        let result = try Blocking.stream(isCancelled: isCancelled, onItem: onText) { yield in
            try await client.streamChat(system: prompt.system, user: prompt.user, history: history,
                                        parameters: parameters, onText: yield)
        }
        lastAttempts = result.attempts
        lastFirstTextSeconds = result.firstTextSeconds
        return result.text
    }
}
