import CitedCore
import Testing
@testable import CitedAnswer

/// The shape of the Python docs' `concurrent.futures` entry: an older note and the later note that revises it.
private let earlier = """
    *initargs* is a tuple of arguments passed to the initializer.

    Changed in version 3.5: If *max_workers* is ``None`` or not given, it will default to the number of \
    processors on the machine, multiplied by ``5``, assuming that the pool is used to overlap I/O.

    New in version 3.6. The *thread_name_prefix* argument was added.
    """
private let later = "Changed in version 3.8: Default value of *max_workers* is changed to ``min(32, os.cpu_count() + 4)``."

@Suite("Version notes: an earlier note a later one revises is history")
struct VersionNotesTests {
    @Test("notes are read with their version, names and extent")
    func notes() {
        let notes = VersionNotes.notes(in: earlier)
        #expect(notes.count == 1)
        #expect(notes.first?.version == [3, 5] && notes.first?.versionText == "3.5")
        #expect(notes.first?.names == ["max_workers"])
        #expect(notes.first?.text.hasSuffix("overlap I/O.") == true)
        let inline = VersionNotes.notes(in: "Runs it. .. versionchanged:: 3.5.3 ``max_workers`` is no longer set.")
        #expect(inline.map(\.version) == [[3, 5, 3]])
    }

    @Test("a later note on the same name that changes behaviour supersedes; an added parameter does not")
    func supersedes() throws {
        let old = try #require(VersionNotes.notes(in: earlier).first)
        let new = try #require(VersionNotes.notes(in: later).first)
        #expect(new.supersedes(old) && !old.supersedes(new))
        let added = try #require(VersionNotes.notes(in: "Changed in version 3.9: Added the *max_workers* check.").first)
        #expect(!added.supersedes(old))
        let otherName = try #require(VersionNotes.notes(in: "Changed in version 3.8: *timeout* now defaults to 5.").first)
        #expect(!otherName.supersedes(old))
    }

    @Test("a sentence taken from the superseded note fails; one placed in its version, or from the later note, passes")
    func verifier() {
        let evidence = [
            EvidencePassage(number: 1, text: earlier, document: "library/concurrent.futures.rst.txt#ThreadPoolExecutor"),
            EvidencePassage(number: 2, text: later, document: "library/concurrent.futures.rst.txt#ThreadPoolExecutor"),
        ]
        let stale = "If max_workers is not given, it defaults to the number of processors on the machine, multiplied by 5."
        let verdicts = Verifier().verify([
            AnswerSentence(text: stale, citations: [1]),
            AnswerSentence(text: "Since version 3.5, if max_workers is not given it defaults to the number of processors "
                           + "on the machine, multiplied by 5.", citations: [1]),
            AnswerSentence(text: "The default value of max_workers is `min(32, os.cpu_count() + 4)`.", citations: [2]),
        ], passages: evidence)
        #expect(verdicts.map(\.support) == [.unsupported, .supported, .supported])
        #expect(verdicts[0].trace?.contains { $0.rule == .superseded && !$0.passed } == true)
        // Another entry's later note says nothing about this one.
        var elsewhere = evidence
        elsewhere[1].document = "library/concurrent.futures.rst.txt#ProcessPoolExecutor"
        #expect(Verifier().verify([AnswerSentence(text: stale, citations: [1])], passages: elsewhere)[0].support == .supported)
    }

    @Test("a given passage with a superseded note brings the later note of its entry right after it")
    func laterNoteJoins() throws {
        func doc(_ id: Int64, _ label: String, _ text: String) -> RetrievedPassage {
            RetrievedPassage(passageID: id, documentID: 4, source: Source(kind: .doc, id: "library/cf.rst.txt#\(label)",
                             path: "library/cf.rst.txt", title: "cf", locator: "library/cf.rst.txt:\(id)"), text: text)
        }
        let old = doc(40, "ThreadPoolExecutor", earlier)
        let new = doc(41, "ThreadPoolExecutor", later)
        let otherEntry = doc(50, "ProcessPoolExecutor", "Changed in version 3.9: *max_workers* now defaults to 61.")
        let unrelated = doc(60, "wait", "wait(fs, timeout=None)\n\nWait for the futures to complete.")
        let pipeline = Answerer(model: { _ in ScriptedModel(script: "NOT IN SOURCES") }, embedder: HashingEmbedder(),
                                builder: PromptBuilder(library: library), retrieve: { _, _ in [] })
        pipeline.documentPassages = { _ in [old, new, otherEntry, unrelated] }
        let (joined, added) = try pipeline.withLaterNotes([unrelated, old, otherEntry], given: 2)
        #expect(joined.map(\.passageID) == [60, 40, 41] && added == 41)
        let (same, none) = try pipeline.withLaterNotes([unrelated, new, old], given: 3)
        #expect(same.map(\.passageID) == [60, 41, 40] && none == nil)
    }

    @Test("a passage that is only a name or a directive states nothing; a signature or a short sentence does")
    func statesNothing() {
        #expect(Excerpt.statesNothing("sympy.plotting.plot::MatplotlibBackend\n\n:members:"))
        #expect(Excerpt.statesNothing("NCT03935542."))
        #expect(Excerpt.statesNothing(".. autoclass:: sympy.Symbol\n   :members:"))
        #expect(Excerpt.statesNothing("``echelon_form``, ``rank``, ``rref``"))
        #expect(!Excerpt.statesNothing("scrypt(password, *, salt, n, r, p, maxmem=0, dklen=64)"))
        #expect(!Excerpt.statesNothing("Retrospective case series."))
        let stub = EvidencePassage(number: 1, text: "sympy.plotting.plot::MatplotlibBackend\n\n:members:")
        let verdict = Verifier().verify([AnswerSentence(text: "The backend used is `MatplotlibBackend` by default.",
                                                        citations: [1])], passages: [stub])[0]
        #expect(verdict.support == .unsupported)
        #expect(verdict.trace?.first?.detail.contains("states nothing") == true)
    }
}
