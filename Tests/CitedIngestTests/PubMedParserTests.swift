import CitedCore
import Foundation
import Testing
@testable import CitedIngest

@Suite("PubMed parser")
struct PubMedParserTests {
    @Test("real pubmed21n1298 records: every field")
    func sample() throws {
        let (articles, deletions) = try parsePubMed(fixtures("pubmed/pubmed21n1298-sample.xml"))
        #expect(deletions.isEmpty)
        #expect(articles.map(\.pmid) == ["10704411", "29636226", "33104149", "29977990", "31385538"])
        let structured = articles[0]
        #expect(structured.key == "PMID:10704411")
        #expect(structured.title == "Dopamine modulates acute responses to cocaine, nicotine and ethanol in Drosophila.")
        #expect(structured.blocks.map(\.headingPath) == [["Abstract", "BACKGROUND"], ["Abstract", "RESULTS"],
                                                        ["Abstract", "CONCLUSIONS"]])
        #expect(structured.blocks[0].text.hasPrefix("Drugs of abuse have a common property in mammals"))
        #expect(structured.year == 2000)
        #expect(structured.journal == "Current biology : CB")
        #expect(structured.language == "eng")
        #expect(structured.doi == "10.1016/s0960-9822(00)00336-5")
        #expect(structured.metadata.articleIDs["pii"] == "S0960-9822(00)00336-5")
        #expect(structured.metadata.authors.first == "Bainton RJ")
        #expect(structured.metadata.authors.count == 6)
        #expect(structured.metadata.publicationTypes.contains("Journal Article"))
        #expect(structured.metadata.mesh.contains { $0.major }, "MeSH major-topic flags")
        #expect(structured.metadata.mesh.contains { !$0.major })
        #expect(!structured.metadata.retracted)

        let noAbstract = articles[1]
        #expect(noAbstract.blocks.count == 1)
        #expect(noAbstract.blocks[0].headingPath == ["Title"])
        #expect(noAbstract.blocks[0].text == noAbstract.title)
        #expect(noAbstract.year == 2018, "MedlineDate 2018 Jul-Aug")
        #expect(noAbstract.metadata.publicationTypes == ["Letter"])

        let retracted = articles[2]
        #expect(retracted.metadata.retracted)
        #expect(retracted.metadata.publicationTypes.contains("Retracted Publication"))
        #expect(!retracted.metadata.retractionIn.isEmpty)
        #expect(retracted.doi == "10.1039/d0cc05573e")

        let erratum = articles[3]
        #expect(!erratum.metadata.erratumIn.isEmpty)
        #expect(!erratum.metadata.retracted)
        // Reference-list article ids must not leak into the article's ids.
        #expect(erratum.pmid == "29977990")

        let inline = articles[4]
        #expect(inline.blocks.allSatisfy { !$0.text.contains("<sub>") && !$0.text.contains("  ") })
    }

    @Test("Biopython efetch sample, gzip-compressed")
    func biopython() throws {
        let (articles, _) = try parsePubMed(fixtures("pubmed/biopython-entrez-pubmed1.xml.gz"))
        #expect(articles.count >= 1)
        #expect(articles[0].pmid == "12091962")
        #expect(!articles[0].title.isEmpty)
    }

    @Test("DeleteCitation lists PMIDs")
    func deletion() throws {
        let (articles, deletions) = try parsePubMed(fixtures("pubmed-delete/delete-sample.xml"))
        #expect(articles.isEmpty)
        #expect(deletions == ["29636226"])
    }

    @Test("MedlineDate years", arguments: [("1998 Dec-1999 Jan", 1998), ("Spring 2000", 2000), ("2018 Jul-Aug", 2018),
                                           ("n.d.", nil)] as [(String, Int?)])
    func medlineDate(text: String, year: Int?) {
        #expect(PubMedParser.firstYear(in: text) == year)
    }

    @Test("malformed and truncated XML name the file and line")
    func malformed() throws {
        #expect(throws: IngestError.self) { try parsePubMed(fixtures("bad/malformed.xml")) }
        do {
            _ = try parsePubMed(fixtures("bad/malformed.xml"))
        } catch let error as IngestError {
            guard case .malformedXML(let path, let line, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "malformed.xml")
            #expect(line > 100)
        }
        #expect(throws: IngestError.self) { try parsePubMed(fixtures("bad/truncated.xml.gz")) }
    }
}
