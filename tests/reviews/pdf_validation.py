"""The checks a report PDF must pass: PDF/A-3b (ISO 19005-3, level B) and a tagged,
PDF/UA-minded structure, read from the file's objects with pikepdf (qpdf).

veraPDF, the reference validator, is a Java application that no registry this project
installs from ships, so these are the machine-checkable rules it applies to a file like
ours (rule numbers of veraPDF's PDF/A-2 and -3 profile), checked object by object, with
qpdf's own syntax check (cross-reference table, stream lengths, name and number trees) in
front of them. Each function returns the problems it finds, as sentences; none is the
only passing answer.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator

import pikepdf

# The Info dictionary's keys and the XMP properties they must agree with (rule 6.6.3).
INFO_IN_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Producer": "pdf:Producer",
    "/Creator": "xmp:CreatorTool",
}
XMP_NAMES = ("pdfaid:part", "pdfaid:conformance", *INFO_IN_XMP.values())
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript"}
HIDDEN_FLAGS = 1 | 2 | 32  # Invisible, Hidden, NoView
PRINT_FLAG = 4
HEADING = re.compile(r"^/H([1-6])$")


def open_pdf(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


# --- PDF/A-3b ---------------------------------------------------------------------------------


def _xmp_values(document: pikepdf.Pdf) -> dict[str, str]:
    """The XMP properties that identify the file and that the Info dictionary must agree
    with, as plain strings (read by pikepdf's XMP parser)."""
    meta = document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    values = {}
    for name in XMP_NAMES:
        value = meta.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            values[name] = str(value)
    return values


def _objects(document: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    for obj in document.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj


def _fonts(document: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for obj in _objects(document):
        if obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/Type0":
            yield obj


def pdfa_3b_problems(pdf: bytes) -> list[str]:  # noqa: PLR0912 - one rule after another
    problems: list[str] = []
    # 6.1.2: the header, and a comment of four bytes above 127 on the next line.
    head = pdf[:1024]
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", head):
        problems.append("6.1.2: the header is not %PDF-1.n followed by a binary comment")
    with open_pdf(pdf) as document:
        problems += [f"qpdf: {warning}" for warning in document.check_pdf_syntax()]
        trailer, root = document.trailer, document.Root
        # 6.1.3: an ID in the trailer, and no encryption.
        if "/ID" not in trailer:
            problems.append("6.1.3: the trailer has no ID")
        if document.is_encrypted or "/Encrypt" in trailer:
            problems.append("6.1.3: the file is encrypted")
        # 6.1.7.1: streams hold their data themselves.
        for obj in _objects(document):
            if isinstance(obj, pikepdf.Stream) and {"/F", "/FFilter", "/FDecodeParms"} & set(
                obj.stream_dict.keys()
            ):
                problems.append(f"6.1.7.1: stream {obj.objgen} refers to an external file")
        # 6.2.3: an output intent for PDF/A with an embedded ICC profile.
        intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
        if len(intents) != 1:
            problems.append("6.2.3: there is not exactly one GTS_PDFA1 output intent")
        for intent in intents:
            profile = intent.get("/DestOutputProfile")
            icc = profile.read_bytes() if profile is not None else b""
            if icc[36:40] != b"acsp":
                problems.append("6.2.3: the output intent's ICC profile is missing or invalid")
            elif icc[16:20] != b"RGB " or profile.get("/N") != 3:
                problems.append("6.2.3: the output intent's profile is not an RGB profile")
        # 6.2.11.4.1: every font program is embedded.
        for font in _fonts(document):
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue
            if descriptor is None or not (
                {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
            ):
                problems.append(f"6.2.11.4.1: font {font.get('/BaseFont')} is not embedded")
        # 6.3.2: annotations are printed and never hidden.
        for page_number, page in enumerate(document.pages, start=1):
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") == "/Popup":
                    continue
                flags = int(annotation.get("/F", 0))
                if not flags & PRINT_FLAG or flags & HIDDEN_FLAGS:
                    problems.append(f"6.3.2: an annotation on page {page_number} is not printed")
        # 6.6.1 and 6.5.1: no JavaScript, no launching or importing actions.
        names = root.get("/Names")
        if names is not None and "/JavaScript" in names:
            problems.append("6.6.1: the document holds JavaScript")
        if "/AA" in root:
            problems.append("6.6.2: the catalog has additional actions")
        for obj in _objects(document):
            if obj.get("/S") in FORBIDDEN_ACTIONS and obj.get("/Type", "/Action") == "/Action":
                problems.append(f"6.5.1: a forbidden action {obj.get('/S')}")
        # 6.6.2.1 and 6.6.4: XMP metadata identifying the file as PDF/A-3, level B.
        metadata = root.get("/Metadata")
        if metadata is None:
            problems.append("6.6.2.1: the catalog has no XMP metadata")
            return problems
        if metadata.get("/Type") != "/Metadata" or metadata.get("/Subtype") != "/XML":
            problems.append("6.6.2.1: the metadata stream is not of type Metadata, XML")
        values = _xmp_values(document)
        part, conformance = values.get("pdfaid:part"), values.get("pdfaid:conformance")
        if (part, conformance) != ("3", "B"):
            problems.append(f"6.6.4: XMP identifies PDF/A part {part}, level {conformance}")
        # 6.6.3: the document information dictionary agrees with the XMP.
        info = trailer.get("/Info", pikepdf.Dictionary())
        problems.extend(
            f"6.6.3: Info {key} differs from the XMP"
            for key, prop in INFO_IN_XMP.items()
            if key in info and str(info[key]) != values.get(prop)
        )
        # 6.8: each embedded file is associated with the document, says its type and date.
        associated = {spec.objgen for spec in root.get("/AF", [])}
        for obj in _objects(document):
            if obj.get("/Type") != "/Filespec" or "/EF" not in obj:
                continue
            name = str(obj.get("/UF", obj.get("/F", "?")))
            if "/AFRelationship" not in obj:
                problems.append(f"6.8: {name} has no AFRelationship")
            if obj.objgen not in associated:
                problems.append(f"6.8: {name} is not in the catalog's associated files")
            if not {"/F", "/UF"} <= set(obj.keys()):
                problems.append(f"6.8: {name} lacks F or UF")
            stream = obj.EF.get("/F")
            if stream is None or "/Subtype" not in stream.stream_dict:
                problems.append(f"6.8: {name} does not state its MIME type")
            elif "/ModDate" not in stream.stream_dict.get("/Params", {}):
                problems.append(f"6.8: {name} has no modification date")
    return problems


# --- Tagged PDF -------------------------------------------------------------------------------


def _elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """The structure elements under ``node``, in document order."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        kids = node.get("/K")
        if kids is not None:
            yield from _elements(kids)


def structure(pdf: bytes) -> list[tuple[str, str]]:
    """The structure elements as (type, alternative text), in document order."""
    with open_pdf(pdf) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return []
        return [(str(element.S), str(element.get("/Alt", ""))) for element in _elements(tree.K)]


def tagging_problems(pdf: bytes) -> list[str]:
    """What keeps the file from being a tagged PDF a screen reader reads in order: marked,
    with a language, a structure tree reaching every page, headings that do not skip a
    level, tables with header cells, figures with text alternatives."""
    problems: list[str] = []
    with open_pdf(pdf) as document:
        root = document.Root
        if not root.get("/MarkInfo", {}).get("/Marked", False):
            problems.append("the catalog does not mark the file as tagged")
        if not str(root.get("/Lang", "")).strip():
            problems.append("the document has no language")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
            problems.append("viewers are not told to show the title")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return [*problems, "there is no structure tree"]
        for number, page in enumerate(document.pages, start=1):
            if "/StructParents" not in page.obj:
                problems.append(f"page {number} is not in the structure tree")
        elements = list(_elements(tree.K))
        kinds = [str(e.S) for e in elements]
        levels = [int(m[1]) for m in map(HEADING.match, kinds) if m]
        if not levels or levels[0] != 1:
            problems.append("the first heading is not a level-1 heading")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                problems.append(f"a heading skips from level {before} to {after}")
        for table in (e for e in elements if e.S == "/Table"):
            cells = [str(e.S) for e in _elements(table.get("/K", pikepdf.Array()))]
            if "/TH" not in cells:
                problems.append("a table has no header cells")
        problems.extend(
            "a figure has no alternative text"
            for figure in elements
            if figure.S == "/Figure" and not str(figure.get("/Alt", "")).strip()
        )
    return problems
