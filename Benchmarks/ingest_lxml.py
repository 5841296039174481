#!/usr/bin/env python3
"""Peer for the ingest benchmark: lxml iterparse of a PubMed XML(.gz) file extracting the fields Cited keeps.

Fields: PMID, title, abstract sections with labels, authors, journal, year (PubDate Year or MedlineDate),
language, MeSH descriptors with major flags, publication types, CommentsCorrections (RetractionIn,
ErratumIn), article ids, keywords; DeleteCitation PMIDs. Prints one JSON line with counts and timing.
"""
import gzip
import json
import re
import sys
import time

from lxml import etree


def text(element):
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def article_fields(article):
    citation = article.find("MedlineCitation")
    art = citation.find("Article")
    journal = art.find("Journal")
    pubdate = journal.find("JournalIssue/PubDate")
    year = pubdate.findtext("Year") if pubdate is not None else None
    if not year and pubdate is not None:
        match = re.search(r"\d{4}", pubdate.findtext("MedlineDate") or "")
        year = match.group(0) if match else None
    authors = []
    for author in art.findall("AuthorList/Author"):
        collective = author.findtext("CollectiveName")
        authors.append(collective or " ".join(x for x in (author.findtext("LastName"), author.findtext("Initials")) if x))
    mesh = []
    for heading in citation.findall("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        major = descriptor.get("MajorTopicYN") == "Y" or any(
            q.get("MajorTopicYN") == "Y" for q in heading.findall("QualifierName"))
        mesh.append((descriptor.text, major, [q.text for q in heading.findall("QualifierName")]))
    corrections = [(c.get("RefType"), c.findtext("PMID") or c.findtext("RefSource"))
                   for c in citation.findall("CommentsCorrectionsList/CommentsCorrections")
                   if c.get("RefType") in ("RetractionIn", "ErratumIn")]
    ids = {i.get("IdType"): i.text for i in article.findall("PubmedData/ArticleIdList/ArticleId")}
    return {
        "pmid": citation.findtext("PMID"),
        "title": text(art.find("ArticleTitle")),
        "abstract": [(a.get("Label"), text(a)) for a in art.findall("Abstract/AbstractText")],
        "journal": journal.findtext("Title"),
        "year": year,
        "language": art.findtext("Language"),
        "authors": authors,
        "mesh": mesh,
        "types": [t.text for t in art.findall("PublicationTypeList/PublicationType")],
        "corrections": corrections,
        "ids": ids,
        "keywords": [text(k) for k in citation.findall("KeywordList/Keyword")],
    }


def main(path):
    start = time.perf_counter()
    opener = gzip.open if path.endswith(".gz") else open
    articles = with_abstract = deleted = 0
    with opener(path, "rb") as stream:
        for _, element in etree.iterparse(stream, events=("end",), tag=("PubmedArticle", "DeleteCitation")):
            if element.tag == "PubmedArticle":
                fields = article_fields(element)
                articles += 1
                with_abstract += bool(fields["abstract"])
            else:
                deleted += len(element.findall("PMID"))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    seconds = time.perf_counter() - start
    print(json.dumps({"articles": articles, "with_abstract": with_abstract, "deleted": deleted,
                      "seconds": round(seconds, 3), "articles_per_s": round(articles / seconds, 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
