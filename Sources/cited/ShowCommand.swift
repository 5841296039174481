import ArgumentParser
import CitedEngine
import Foundation

/// `cited show REF`: the cited passage with its surrounding context.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a cited passage with the passages around it.",
        discussion: """
        REF is what an answer cites: PMID:34567890 (or just the number), a DOI (10.…), a PMCID, \
        a document path with an optional line or section (library/functools.rst.txt:120, \
        library/functools.rst.txt#lru_cache), or a passage id (passage:123).
        """)

    @OptionGroup var options: IndexOptions

    @Argument(help: ArgumentHelp("The reference to open.", valueName: "REF"))
    var reference: String

    @Option(name: .long, help: "Passages of context before and after.") var context = 1

    @Flag(name: .long, help: "Print one JSON document.") var json = false

    func validate() throws {
        try requireRange(context, 0...100, "--context")
    }

    func run() throws {
        let shown = try options.openEngine(needsVectors: false).show(reference, context: context)
        if json { return try printJSON(shown) }
        print(shown.title + (shown.year.map { " (\($0))" } ?? ""))
        for item in shown.passages {
            print("")
            print((item.focus ? "▶ " : "  ") + item.source.locator
                + (item.instructions ? "  ⚠ INSTRUCTIONS: this passage tells the model what to do; untrusted" : ""))
            for line in item.text.split(separator: "\n", omittingEmptySubsequences: false) { print("    " + line) }
        }
    }
}
