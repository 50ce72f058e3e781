"""Annex IV: the shipped transcription, its import and its reconciliation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from funding import annex
from funding import selectors
from funding import services
from funding.models import ContributionImport
from funding.models import StatedSubtotal
from funding.models import VoluntaryContribution

ANNEX = Path(settings.BASE_DIR) / "fixtures" / "annex_iv_voluntary_contributions.csv"


def _rows() -> list[dict]:
    with ANNEX.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _import(partnership, content: bytes, name: str = "annex.csv"):
    return services.voluntary_contributions_import(
        partnership=partnership, content=content, filename=name
    )


def test_the_transcription_holds_every_row_of_the_three_tables():
    rows = _rows()
    by_table = {}
    for row in rows:
        by_table.setdefault(row["Table"], []).append(row)
    assert {k: len(v) for k, v in by_table.items()} == {
        "Detailed Donor Breakdown": 15,
        "Top 10 Projects": 11,
        "All Projects": 16,
    }
    # The first and last figures of each table, as printed.
    assert by_table["Detailed Donor Breakdown"][-1]["Total"] == "18,817,691"
    assert by_table["Top 10 Projects"][-1]["Total"] == "15,958,597"
    assert by_table["All Projects"][0]["Region / Country"] == "Asia and the Pacific"
    assert by_table["All Projects"][-1]["Project Code"] == "RT0801"
    assert (ANNEX.with_suffix(".md")).exists()


def test_import_of_the_shipped_annex(iom):
    result = _import(iom, ANNEX.read_bytes())
    assert not result.already_imported
    # 30 yearly figures of the listed projects, 7 of the top-ten projects not listed there.
    assert (
        VoluntaryContribution.objects.filter(partnership=iom, source_table="all_projects").count()
        == 30
    )
    top_10_only = VoluntaryContribution.objects.filter(partnership=iom, source_table="top_10")
    assert sorted(set(top_10_only.values_list("project_code", flat=True))) == [
        "232020",
        "CT1129",
        "RT0037",
    ]
    rt0998 = VoluntaryContribution.objects.get(project_code="RT0998", year=2015)
    # Blank cells repeat the value above, as in the document.
    assert (rt0998.region, rt0998.country, rt0998.donor_unit) == (
        "Asia and the Pacific",
        "Afghanistan",
        "Embassy of Denmark in Afghanistan",
    )
    assert rt0998.amount == Decimal("-269")
    assert rt0998.is_refund
    rt1305 = VoluntaryContribution.objects.get(project_code="RT1305")
    assert (rt1305.donor, rt1305.donor_unit) == ("Denmark", "Denmark - Ministry of Foreign Affairs")


def test_importing_the_same_file_twice_adds_nothing(iom):
    content = ANNEX.read_bytes()
    _import(iom, content)
    counts = (VoluntaryContribution.objects.count(), StatedSubtotal.objects.count())
    again = _import(iom, content, name="renamed.csv")
    assert again.already_imported
    assert (VoluntaryContribution.objects.count(), StatedSubtotal.objects.count()) == counts
    assert ContributionImport.objects.count() == 1
    # Another file holding rows already imported adds nothing either.
    part = [r for r in _rows() if r["Table"] == "All Projects"]
    third = _import(iom, _csv(part), name="part.csv")
    assert (third.record.contributions_added, third.record.subtotals_added) == (0, 0)
    assert (VoluntaryContribution.objects.count(), StatedSubtotal.objects.count()) == counts


def test_import_command_is_idempotent(iom, capsys):
    call_command("import_voluntary_contributions", iom.slug, str(ANNEX))
    call_command("import_voluntary_contributions", iom.slug, str(ANNEX))
    out = capsys.readouterr().out
    assert "Imported 37 contribution(s)" in out
    assert "was already imported" in out
    assert VoluntaryContribution.objects.count() == 37


def _expect_refused(partnership, content, *expected):
    with pytest.raises(annex.AnnexImportError) as error:
        _import(partnership, content)
    found = [(e.row, e.column, e.reason) for e in error.value.row_errors]
    for row, column, reason in expected:
        assert any((r, c) == (row, column) and reason in why for r, c, why in found), found
    assert not VoluntaryContribution.objects.filter(partnership=partnership).exists()
    assert not StatedSubtotal.objects.filter(partnership=partnership).exists()
    assert not ContributionImport.objects.filter(partnership=partnership).exists()
    return found


def test_a_bad_cell_refuses_the_whole_file_with_row_column_and_reason(iom):
    rows = _rows()
    rows[30]["2014"] = "12a"  # file row 32
    rows[2]["Table"] = "Donors"  # file row 4
    _expect_refused(
        iom,
        _csv(rows),
        (32, "2014", "'12a' is not an amount"),
        (4, "Table", "'Donors' is not one of"),
    )


def test_a_missing_column_is_reported_on_the_header(iom):
    rows = [{k: v for k, v in r.items() if k != "Total"} for r in _rows()]
    _expect_refused(iom, _csv(rows), (1, "header", "Missing column(s): Total"))


def test_a_figure_that_contradicts_what_is_stored_refuses_the_file(iom):
    _import(iom, ANNEX.read_bytes())
    rows = _rows()
    row = next(r for r in rows if r["Project Code"] == "RT1338")
    row["2017"] = "278,807"
    with pytest.raises(annex.AnnexImportError) as error:
        _import(iom, _csv(rows), name="changed.csv")
    assert any(
        "already recorded as 278,806, not 278,807" in e.reason for e in error.value.row_errors
    )
    assert ContributionImport.objects.count() == 1
    assert VoluntaryContribution.objects.get(project_code="RT1338").amount == Decimal("278806")


def _finding(result, **lookup):
    compared_with = lookup.pop("compared_with", "detail rows")
    matches = [
        f
        for f in result.findings
        if f.compared_with == compared_with
        and all(getattr(f.subtotal, k) == v for k, v in lookup.items())
    ]
    assert len(matches) == 1, (lookup, matches)
    return matches[0]


def test_reconciliation_of_the_shipped_annex(iom):
    _import(iom, ANNEX.read_bytes())
    result = selectors.reconciliation(partnership=iom)

    # The EEA's listed projects, year by year, as printed.
    listed = sum(
        Decimal(v)
        for v in (
            393933, 718277, 2845704, 714243, -190640,  # RE0078
            1785300, 1129646, -716622,  # RT0782
            684745, 481178, 401218, 341438,  # RE0079
            2251295, -379439,  # RT1110
            167190, 167910, 333657, 164562,  # RT0802
            278806,  # RT1338
            70696, 70696,  # RT0801, the document's last line
        )
    )  # fmt: skip
    eea = _finding(result, level="region", name="European Economic Area", year=None)
    assert (eea.stated, eea.itemised) == (Decimal(12664225), listed)
    assert eea.difference == Decimal(12664225) - listed == Decimal(950432)
    assert eea.kind == "not_itemised"

    # RT1110: 2,251,295 − 379,439 = 1,871,856 against a printed total of 1,871,855.
    rt1110 = _finding(result, source_table="all_projects", level="project", project_code="RT1110")
    assert (rt1110.difference, rt1110.kind) == (Decimal(-1), "rounding")

    # The ministry's group (4,907,160) against its five units as printed (4,907,159).
    mfa = _finding(
        result,
        level="donor_group",
        name="Denmark - Ministry of Foreign Affairs",
        compared_with="rows listed under it",
    )
    assert (mfa.itemised, mfa.difference, mfa.kind) == (Decimal(4907159), Decimal(1), "rounding")

    # A unit with no itemised project at all.
    geneva = _finding(
        result, level="donor_unit", name="Permanent Mission of Denmark to the UN In Geneva"
    )
    assert (geneva.count, geneva.itemised, geneva.difference, geneva.kind) == (
        0, Decimal(0), Decimal(570776), "not_itemised",
    )  # fmt: skip

    # The units whose projects are all listed agree.
    for unit in ("Embassy of Denmark in Afghanistan", "Embassy of Denmark in Dhaka"):
        assert _finding(result, level="donor_unit", name=unit).kind == "agrees"

    # The top ten's 2016 total (2,472,154) against its rows (2,472,153).
    top_2016 = _finding(result, source_table="top_10", level="year", year=2016)
    assert (top_2016.difference, top_2016.kind) == (Decimal(1), "rounding")

    grand = _finding(result, level="grand_total", name="Grand Total")
    assert grand.stated == Decimal(18817691)
    assert grand.kind == "not_itemised"
    # 92 stated totals: RT0801's project total is the one the document's last line adds,
    # and it agrees; the EEA's and the DIS unit's totals stay short of their rows.
    assert [(kind, count) for kind, _, count in result.counts] == [
        ("agrees", 66),
        ("rounding", 8),
        ("not_itemised", 18),
        ("exceeds", 0),
    ]
    rt0801 = _finding(result, source_table="all_projects", level="project", project_code="RT0801")
    assert (rt0801.stated, rt0801.count, rt0801.kind) == (Decimal(141392), 2, "agrees")


SMALL_ANNEX = """\
Table,Level,Region / Country,Donor,Donor (specific),Project Code,Project Title,2013,2014,Total,%
All Projects,,Europe,,,,,300,150,450,
All Projects,,Denmark,Denmark,Embassy A,EU0001,Return,100,50,150,
All Projects,,Sweden,Sweden,Embassy B,EU0002,Reception,200,99,299,
All Projects,,Asia,,,,,1000,-,"1,000",
"""


def test_a_region_is_compared_year_by_year_and_over_all_years_and_an_empty_one_with_none(iom):
    """Europe's figure of each year against that year's rows, and its total against all
    of them; Asia lists no project, so each of its figures is compared with no row."""
    _import(iom, SMALL_ANNEX.encode())
    result = selectors.reconciliation(partnership=iom)
    found = {
        (f.subtotal.name, f.subtotal.year): (f.stated, f.itemised, f.count, f.kind)
        for f in result.findings
    }
    assert found == {
        ("Europe", 2013): (300, 300, 2, "agrees"),
        ("Europe", 2014): (150, 149, 2, "rounding"),
        ("Europe", None): (450, 449, 4, "rounding"),
        ("EU0001 (Denmark, Embassy A)", None): (150, 150, 2, "agrees"),
        ("EU0002 (Sweden, Embassy B)", None): (299, 299, 2, "agrees"),
        ("Asia", 2013): (1000, 0, 0, "not_itemised"),
        ("Asia", None): (1000, 0, 0, "not_itemised"),
    }
    rows = [f.subtotal.source_row for f in result.findings]
    assert rows == sorted(rows)

    # The page's reads: the counts, and the differences a page at a time, in the same order.
    annex = selectors.AnnexFindings(partnership=iom)
    assert annex.counts() == {"agrees": 3, "rounding": 2, "not_itemised": 2, "exceeds": 0}
    differences = annex.listed(differences=True)
    assert len(differences) == 4
    paged = [*differences[0:3], *differences[3:6]]
    assert [(f.subtotal.pk, f.kind) for f in paged] == [
        (f.subtotal.pk, f.kind) for f in result.differences
    ]
    assert differences[3].subtotal.pk == result.differences[3].subtotal.pk
    assert differences[4:4] == []


def test_pages_of_two_imports_sharing_row_numbers_list_each_comparison_once(iom):
    """Two files whose rows bear the same numbers: the pages list every comparison once."""
    _import(iom, SMALL_ANNEX.encode())
    second = SMALL_ANNEX.replace("Europe", "Africa").replace("EU000", "AF000")
    _import(iom, second.replace("Asia", "Americas").encode(), name="second.csv")
    listed = selectors.AnnexFindings(partnership=iom).listed(differences=False)
    assert len(listed) == 14
    paged = [f.subtotal.pk for start in range(0, 14, 3) for f in listed[start : start + 3]]
    assert sorted(paged) == sorted(
        StatedSubtotal.objects.filter(partnership=iom).values_list("pk", flat=True)
    )
    assert paged == [f.subtotal.pk for f in selectors.reconciliation(partnership=iom).findings]


@pytest.fixture
def xlsx_annex() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows = _rows()
    sheet.append(list(rows[0]))
    for row in rows:
        cells = []
        for key, value in row.items():
            try:
                number = annex.parse_amount(value) if key[:2] in {"20", "To"} else None
            except ValueError:
                number = None
            cells.append(int(number) if number is not None else value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_upload_page_imports_xlsx(funded, desk, login, xlsx_annex):
    VoluntaryContribution.objects.all().delete()
    StatedSubtotal.objects.all().delete()
    ContributionImport.objects.all().delete()
    upload = SimpleUploadedFile("annex.xlsx", xlsx_annex)
    response = login(desk).post(
        f"/p/{funded.slug}/funding/voluntary-contributions/import/", {"file": upload}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/voluntary-contributions/reconciliation/")
    assert VoluntaryContribution.objects.filter(partnership=funded).count() == 37
    assert ContributionImport.objects.get().imported_by == desk
    (message,) = get_messages(response.wsgi_request)
    totals = StatedSubtotal.objects.count()
    assert str(message) == f"37 contributions and {totals} stated totals added."


def test_upload_page_lists_row_errors_and_saves_nothing(iom, desk, login):
    rows = _rows()
    rows[20]["2013"] = "lots"  # file row 22
    upload = SimpleUploadedFile("annex.csv", _csv(rows))
    response = login(desk).post(
        f"/p/{iom.slug}/funding/voluntary-contributions/import/", {"file": upload}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Nothing was imported: 1 problem below."]
    page = response.content.decode()
    assert '<td class="num">22</td><td>2013</td><td>&#x27;lots&#x27; is not an amount.</td>' in page
    assert not VoluntaryContribution.objects.exists()


def test_explorer_filters_and_shows_refunds(funded, auditor, login):
    client = login(auditor)
    page = client.get(
        f"/p/{funded.slug}/funding/voluntary-contributions/", {"country": "Afghanistan"}
    ).content.decode()
    # TC0691 695,000 − 142,575 + RT0998 328,048 − 269 + RT1305 80,485
    assert "USD 960,689" in page
    assert "−142,575" in page
    assert "−269" in page
    assert "Bangladesh</td>" not in page
    everything = client.get(f"/p/{funded.slug}/funding/voluntary-contributions/").content.decode()
    assert "Bangladesh" in everything


def test_the_explorer_s_tables_and_filters_are_in_the_reader_s_language(funded, auditor, login):
    page = (
        login(auditor)
        .get(f"/p/{funded.slug}/funding/voluntary-contributions/", HTTP_ACCEPT_LANGUAGE="da")
        .content.decode()
    )
    for caption in ("Pr. år", "Pr. region", "Pr. land", "Pr. donorenhed"):
        assert f">{caption}</caption>" in page
    assert '<th scope="col">Donorenhed</th>' in page
    assert '<label for="filter-country">Land</label>' in page
    assert "By region" not in page
    assert '<th scope="col">Country</th>' not in page


def test_reconciliation_page_and_api_agree(funded, auditor, login, api_login):
    page = (
        login(auditor)
        .get(f"/p/{funded.slug}/funding/voluntary-contributions/reconciliation/")
        .content.decode()
    )
    assert "Rows the source does not itemise" in page
    assert "950,432" in page
    response = api_login(auditor).get(
        "/api/v1/voluntary-contributions/reconciliation/", {"partnership": funded.slug}
    )
    assert response.status_code == 200
    eea = next(
        f
        for f in response.json()
        if f["level"] == "region" and f["name"] == "European Economic Area" and f["year"] is None
    )
    assert eea["stated"] == "12664225.00"
    assert eea["detail_sum"] == "11713793.00"
    assert eea["difference"] == "950432.00"
    assert eea["kind"] == "not_itemised"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 not really a workbook", "This is not a readable XLSX file."),
        (b"\xff\xfe\x00binary", "The file is not UTF-8 text"),
        (b"", "The file is empty."),
    ],
)
def test_unreadable_files_are_refused(iom, content, reason):
    found = _expect_refused(iom, content, (1, "file", reason))
    assert len(found) == 1


def test_the_reconciliations_findings_read_in_the_readers_language(iom):
    """The finding's sentence and label in the active language, the dollars as it writes
    them; the annex's own names (the region) as the document prints them."""
    from django.utils import translation

    _import(iom, ANNEX.read_bytes())
    result = selectors.reconciliation(partnership=iom)
    eea = _finding(result, level="region", name="European Economic Area", year=None)
    with translation.override("en-gb"):
        assert eea.explanation == (
            "The region “European Economic Area” over all years is USD 950,432 more than its "
            "21 detail rows: the source does not itemise the rest."
        )
    with translation.override("da"):
        assert eea.explanation == (
            "Totalen for region “European Economic Area” over alle år er USD 950.432 mere end "
            "summen af 21 detaljerækker: kilden specificerer ikke resten."
        )
        assert eea.kind_label == "Rækker, kilden ikke specificerer"


def test_the_reconciliation_page_reads_in_danish(funded, auditor, login):
    page = (
        login(auditor)
        .get(
            f"/p/{funded.slug}/funding/voluntary-contributions/reconciliation/",
            HTTP_ACCEPT_LANGUAGE="da",
        )
        .content.decode()
    )
    assert "sammenholdt med " in page
    assert "Rækker, kilden ikke specificerer" in page
    assert "detail rows" not in page
    assert "does not itemise" not in page


def test_the_problems_of_a_refused_file_are_counted_in_danish(iom, desk, login):
    rows = _rows()
    rows[20]["2013"] = rows[21]["2013"] = "lots"
    client = login(desk)
    url = f"/p/{iom.slug}/funding/voluntary-contributions/import/"
    two = client.post(
        url, {"file": SimpleUploadedFile("annex.csv", _csv(rows))}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert two.context["form"].errors["file"] == ["Intet blev importeret: 2 problemer nedenfor."]
    rows[21]["2013"] = _rows()[21]["2013"]
    one = client.post(
        url, {"file": SimpleUploadedFile("annex.csv", _csv(rows))}, HTTP_ACCEPT_LANGUAGE="da"
    )
    assert one.context["form"].errors["file"] == ["Intet blev importeret: 1 problem nedenfor."]
