import Testing
@testable import CitedAnswer

@Test("A follow-up borrows the previous question's key words; a standalone question does not")
func followUps() {
    var conversation = Conversation()
    #expect(conversation.retrievalQuery(for: "Does menatetrenone reduce vertebral fractures?") == "Does menatetrenone reduce vertebral fractures?")
    conversation.append(question: "Does menatetrenone reduce vertebral fractures?", answer: "Yes [1].")
    let followUp = conversation.retrievalQuery(for: "What dose was used?")
    #expect(followUp.contains("menatetrenone") && followUp.contains("vertebral") && followUp.hasPrefix("What dose was used?"))
    let standalone = "How does functools.lru_cache bound the size of its cache in Python programs?"
    #expect(conversation.retrievalQuery(for: standalone) == standalone)
}
