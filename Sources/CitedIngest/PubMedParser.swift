import CitedCore
import CitedStore
import CLibXML2
import Foundation

/// What a PubMed file says: an article to store, or PMIDs to remove (`DeleteCitation`).
public enum PubMedEvent: Sendable {
    case article(ParsedDocument)
    case delete(pmids: [String])
}

/// Streams a PubMed/MEDLINE XML file (`PubmedArticleSet`, efetch output; `.xml` or `.xml.gz`).
/// Element names follow NLM's PubMed DTD (pubmed_190101.dtd).
public struct PubMedParser {
    /// Tags the parser reacts to; everything else is walked through or skipped whole.
    private enum Tag {
        case pubmedArticle, medlineCitation, pmid, articleTitle, abstract, otherAbstract, abstractText, journal
        case title, pubDate, year, medlineDate, language, authorList, author, lastName, foreName, initials
        case collectiveName, publicationType, meshHeading, descriptorName, qualifierName, commentsCorrections
        case refSource, keyword, articleIdList, articleId, eLocationID, deleteCitation, pubmedData
        case vernacularTitle, bookTitle
        case skip
    }

    private static let tagNames: [String: Tag] = [
        "PubmedArticle": .pubmedArticle, "PubmedBookArticle": .pubmedArticle, "MedlineCitation": .medlineCitation,
        "BookDocument": .medlineCitation, "PMID": .pmid,
        "ArticleTitle": .articleTitle, "Abstract": .abstract, "OtherAbstract": .otherAbstract,
        "AbstractText": .abstractText, "Journal": .journal, "Title": .title, "PubDate": .pubDate, "Year": .year,
        "MedlineDate": .medlineDate, "Language": .language, "AuthorList": .authorList, "Author": .author,
        "LastName": .lastName, "ForeName": .foreName, "Initials": .initials, "CollectiveName": .collectiveName,
        "PublicationType": .publicationType, "MeshHeading": .meshHeading, "DescriptorName": .descriptorName,
        "QualifierName": .qualifierName, "CommentsCorrections": .commentsCorrections, "RefSource": .refSource,
        "Keyword": .keyword, "ArticleIdList": .articleIdList, "ArticleId": .articleId,
        "ELocationID": .eLocationID, "DeleteCitation": .deleteCitation, "PubmedData": .pubmedData,
        "VernacularTitle": .vernacularTitle, "BookTitle": .bookTitle,
        // Subtrees with nothing we keep: skipped without visiting their nodes.
        "ReferenceList": .skip, "History": .skip, "GrantList": .skip, "AffiliationInfo": .skip,
        "ChemicalList": .skip, "InvestigatorList": .skip, "DateCompleted": .skip, "DateRevised": .skip,
        "ArticleDate": .skip, "MedlineJournalInfo": .skip, "CopyrightInformation": .skip, "DataBankList": .skip,
        "CoiStatement": .skip, "Pagination": .skip, "ISSN": .skip, "CitationSubset": .skip,
        "SupplMeshList": .skip, "PersonalNameSubjectList": .skip, "GeneralNote": .skip, "Identifier": .skip,
        "PublicationStatus": .skip, "Volume": .skip, "Issue": .skip, "ISOAbbreviation": .skip,
        "NumberOfReferences": .skip, "SpaceFlightMission": .skip, "OtherID": .skip,
    ]

    /// The article under construction.
    private struct Draft {
        var pmid: String?
        var title = ""
        var vernacularTitle = ""
        var sections: [(label: String?, text: String)] = []
        var journal: String?
        var year: Int?
        var language: String?
        var doiFallback: String?
        var metadata = DocumentMetadata()
    }

    public init() {}

    /// Calls `handle` for each article and deletion, in file order; a `.gz` file is streamed (decompressed once,
    /// within `limits`).
    /// - Throws: `IngestError.malformedXML` with the line where libxml2 stopped; `.unreadable` for damaged gzip
    ///   data; `.tooLarge` past `limits`.
    public func parse(path: String, displayPath: String, limits: ExpansionLimits = ExpansionLimits(),
                      handle: (PubMedEvent) throws -> Void) throws {
        let reader = try XMLStreamReader(path: path, displayPath: displayPath, limits: limits)
        // Interned name pointer → tag, so the hot loop compares pointers, not strings.
        var cache: [UnsafeRawPointer: Tag] = [:]
        func tag() -> Tag? {
            guard let pointer = reader.namePointer else { return nil }
            let key = UnsafeRawPointer(pointer)
            if let known = cache[key] { return known }
            let found = PubMedParser.tagNames[String(cString: pointer)]
            if let found { cache[key] = found }
            return found
        }

        var draft: Draft?
        var inCitation = false, inJournal = false, inPubDate = false, inAuthorList = false, inAbstract = false
        var inDelete = false, inArticleIdList = false, sawRoot = false
        var author: (last: String?, fore: String?, initials: String?, collective: String?)?
        var mesh: DocumentMetadata.MeshHeading?
        var correction: (type: String, source: String?, pmid: String?)?
        var deletions: [String] = []

        var more = try reader.read()
        while more {
            let type = reader.nodeType
            if type == XMLStreamReader.NodeType.element.rawValue {
                if !sawRoot {
                    sawRoot = true
                    let root = reader.name
                    guard root == "PubmedArticleSet" || root == "PubmedArticle" || root == "PubmedBookArticleSet" else {
                        throw IngestError.malformedXML(path: displayPath, line: reader.line,
                                                       reason: "root element <\(root)> is not a PubMed article set")
                    }
                }
                let empty = reader.isEmptyElement
                switch tag() {
                case .pubmedArticle?:
                    draft = Draft()
                case .medlineCitation?:
                    inCitation = true
                case .pmid?:
                    let text = try reader.elementText()
                    if inDelete {
                        deletions.append(text)
                    } else if correction != nil {
                        correction?.pmid = text
                    } else if inCitation, draft != nil, draft?.pmid == nil {
                        draft?.pmid = text
                    }
                    more = try reader.skipSubtree(); continue
                case .articleTitle?, .bookTitle?:
                    if draft != nil, draft?.title.isEmpty == true { draft?.title = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .vernacularTitle?:
                    draft?.vernacularTitle = try reader.elementText()
                    more = try reader.skipSubtree(); continue
                case .abstract?:
                    inAbstract = !empty
                case .otherAbstract?:
                    more = try reader.skipSubtree(); continue
                case .abstractText?:
                    if inAbstract {
                        let label = reader.attribute("Label")
                        let text = try reader.elementText()
                        if !text.isEmpty { draft?.sections.append((label, text)) }
                    }
                    more = try reader.skipSubtree(); continue
                case .journal?:
                    inJournal = !empty
                case .title?:
                    if inJournal { draft?.journal = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .pubDate?:
                    inPubDate = inJournal && !empty
                case .year?:
                    if inPubDate, let year = Int(try reader.elementText()) { draft?.year = year }
                    more = try reader.skipSubtree(); continue
                case .medlineDate?:
                    if inPubDate, draft?.year == nil { draft?.year = PubMedParser.firstYear(in: try reader.elementText()) }
                    more = try reader.skipSubtree(); continue
                case .language?:
                    if draft?.language == nil { draft?.language = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .authorList?:
                    // Book chapters have editor lists too; authors only.
                    let type = reader.attribute("Type")
                    inAuthorList = !empty && (type == nil || type == "authors")
                case .author?:
                    if inAuthorList { author = (nil, nil, nil, nil) }
                case .lastName?:
                    if author != nil { author?.last = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .foreName?:
                    if author != nil { author?.fore = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .initials?:
                    if author != nil { author?.initials = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .collectiveName?:
                    if author != nil { author?.collective = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .publicationType?:
                    let text = try reader.elementText()
                    draft?.metadata.publicationTypes.append(text)
                    if text == "Retracted Publication" { draft?.metadata.retracted = true }
                    more = try reader.skipSubtree(); continue
                case .meshHeading?:
                    mesh = DocumentMetadata.MeshHeading(descriptor: "", major: false)
                case .descriptorName?:
                    let major = reader.attribute("MajorTopicYN") == "Y"
                    mesh?.descriptor = try reader.elementText()
                    if major { mesh?.major = true }
                    more = try reader.skipSubtree(); continue
                case .qualifierName?:
                    let major = reader.attribute("MajorTopicYN") == "Y"
                    let text = try reader.elementText()
                    mesh?.qualifiers.append(major ? text + "*" : text)
                    if major { mesh?.major = true }
                    more = try reader.skipSubtree(); continue
                case .commentsCorrections?:
                    correction = (reader.attribute("RefType") ?? "", nil, nil)
                case .refSource?:
                    if correction != nil { correction?.source = try reader.elementText() }
                    more = try reader.skipSubtree(); continue
                case .keyword?:
                    let text = try reader.elementText()
                    if !text.isEmpty { draft?.metadata.keywords.append(text) }
                    more = try reader.skipSubtree(); continue
                case .articleIdList?:
                    inArticleIdList = !empty
                case .articleId?:
                    if inArticleIdList, let idType = reader.attribute("IdType") {
                        let text = try reader.elementText()
                        if !text.isEmpty { draft?.metadata.articleIDs[idType] = text }
                    }
                    more = try reader.skipSubtree(); continue
                case .eLocationID?:
                    if reader.attribute("EIdType") == "doi", reader.attribute("ValidYN") != "N" {
                        let text = try reader.elementText()
                        if draft?.doiFallback == nil, !text.isEmpty { draft?.doiFallback = text }
                    }
                    more = try reader.skipSubtree(); continue
                case .deleteCitation?:
                    inDelete = !empty
                case .pubmedData?:
                    inCitation = false
                case .skip?:
                    more = try reader.skipSubtree(); continue
                case nil:
                    break
                }
            } else if type == XMLStreamReader.NodeType.endElement.rawValue {
                switch tag() {
                case .pubmedArticle?:
                    if let finished = draft { try handle(.article(try finish(finished, displayPath: displayPath, line: reader.line))) }
                    draft = nil
                    inCitation = false
                case .medlineCitation?: inCitation = false
                case .journal?: inJournal = false
                case .pubDate?: inPubDate = false
                case .abstract?: inAbstract = false
                case .authorList?: inAuthorList = false
                case .author?:
                    if let a = author {
                        let name: String
                        if let collective = a.collective, !collective.isEmpty {
                            name = collective
                        } else {
                            name = [a.last, a.initials ?? a.fore].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                        }
                        if !name.isEmpty { draft?.metadata.authors.append(name) }
                    }
                    author = nil
                case .meshHeading?:
                    if let heading = mesh, !heading.descriptor.isEmpty { draft?.metadata.mesh.append(heading) }
                    mesh = nil
                case .commentsCorrections?:
                    if let c = correction {
                        let reference = c.pmid.map { "PMID:\($0)" } ?? c.source ?? ""
                        if c.type == "RetractionIn" {
                            draft?.metadata.retractionIn.append(reference)
                            draft?.metadata.retracted = true
                        } else if c.type == "ErratumIn" {
                            draft?.metadata.erratumIn.append(reference)
                        }
                    }
                    correction = nil
                case .articleIdList?: inArticleIdList = false
                case .deleteCitation?:
                    inDelete = false
                    if !deletions.isEmpty { try handle(.delete(pmids: deletions)) }
                    deletions = []
                default: break
                }
            }
            more = try reader.read()
        }
        if !sawRoot {
            throw IngestError.malformedXML(path: displayPath, line: reader.line, reason: "no root element")
        }
    }

    private func finish(_ draft: Draft, displayPath: String, line: Int) throws -> ParsedDocument {
        guard let pmid = draft.pmid, !pmid.isEmpty else {
            throw IngestError.malformedXML(path: displayPath, line: line, reason: "article without a PMID")
        }
        var title = draft.title
        if title.isEmpty || title == "[Not Available]." { title = draft.vernacularTitle }
        if title.isEmpty { title = "PMID \(pmid)" }
        var metadata = draft.metadata
        let doi = metadata.articleIDs.removeValue(forKey: "doi") ?? draft.doiFallback
        let pmcid = metadata.articleIDs.removeValue(forKey: "pmc")
        metadata.articleIDs.removeValue(forKey: "pubmed")
        var blocks: [Block] = []
        if draft.sections.isEmpty {
            blocks.append(Block(text: title, headingPath: ["Title"]))
        } else {
            for (index, section) in draft.sections.enumerated() {
                var path = ["Abstract"]
                if let label = section.label, !label.isEmpty { path.append(label) }
                blocks.append(Block(text: section.text, headingPath: path, paragraph: index + 1))
            }
        }
        return ParsedDocument(key: "PMID:\(pmid)", kind: .pubmed, title: title, pmid: pmid, pmcid: pmcid, doi: doi,
                              year: draft.year, journal: draft.journal, language: draft.language, metadata: metadata,
                              blocks: blocks, locatorStyle: .abstract)
    }

    /// The first four-digit year in a MedlineDate such as `1998 Dec-1999 Jan` or `Spring 2000`.
    static func firstYear(in text: String) -> Int? {
        var digits = 0
        var value = 0
        for scalar in text.unicodeScalars {
            if let d = Int(String(scalar)), scalar.properties.numericType != nil, scalar.isASCII {
                value = value * 10 + d
                digits += 1
                if digits == 4 { return value }
            } else {
                digits = 0
                value = 0
            }
        }
        return nil
    }
}
