"""Demo data, the funding page's chart and the API's fields."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.management import call_command
from django.utils import translation

from funding import seed
from funding.models import AssessedContribution
from funding.models import BudgetFigure
from funding.models import BudgetLine
from funding.models import ContributionImport
from funding.models import ExchangeRate
from funding.models import StatedSubtotal
from funding.models import VoluntaryContribution
from funding.selectors import budget_by_year_and_component
from reviews.charts import budget_chart_svg
from reviews.charts import heat_map_svg
from tests.languages import languages_of

MODELS = (BudgetLine, AssessedContribution, BudgetFigure, VoluntaryContribution, StatedSubtotal)


def test_load_demo_is_idempotent_and_invents_no_rates(funded):
    counts = [m.objects.count() for m in MODELS]
    seed.load_demo(funded)
    assert [m.objects.count() for m in MODELS] == counts
    assert counts[0] == 12
    assert ContributionImport.objects.count() == 1
    assert not ExchangeRate.objects.exists()


def test_setup_demo_loads_the_funding(db, settings):
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("setup_demo", stdout=None)
    call_command("setup_demo", stdout=None)
    assert BudgetLine.objects.count() == 12
    assert VoluntaryContribution.objects.count() == 37


def test_every_seeded_figure_cites_the_strategy(funded):
    for line in BudgetLine.objects.all():
        assert line.citation.startswith("Section 5")
    for figure in BudgetFigure.objects.all():
        assert figure.citation.startswith("Footnote")
    footnotes = {
        re.search(r"Footnote (\d+)", f.citation).group(1) for f in BudgetFigure.objects.all()
    }
    assert footnotes == {"15", "16", "25"}
    sweden = BudgetFigure.objects.get(label__endswith="Sweden")
    assert (sweden.year, sweden.amount, sweden.currency) == (2017, Decimal(6306761), "USD")


def test_funding_page_has_a_server_drawn_chart_with_a_table_beside_it(funded, geneva, login):
    page = login(geneva).get(f"/p/{funded.slug}/funding/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count('class="bar bar-') == 9  # three series for three years
    legend = page[page.index("</svg>") : page.index("</figure>")]
    assert re.findall(r'<li><span class="swatch ([\w -]+)"></span>([^<]+)</li>', legend) == [
        ("bar-planned", "Planned"),
        ("bar-committed", "Committed"),
        ("bar-disbursed", "Disbursed"),
        ("annual", "Agreement’s annual amount"),
    ]
    assert "style=" not in page
    assert "<script>" not in page
    assert "2018: planned 25.0, committed 25.0, disbursed 0.0" in svg
    assert '<caption id="per-year-caption">Per year (DKK)</caption>' in page


def test_the_funding_chart_of_a_danish_page_reads_danish(funded, geneva, login):
    page = login(geneva).get(f"/p/{funded.slug}/funding/", HTTP_ACCEPT_LANGUAGE="da")
    figure = page.content.decode()
    figure = figure[figure.index('<figure class="chart-figure"') : figure.index("</figure>")]
    svg = figure[: figure.index("</svg>")]
    assert ">Finansiering pr. år, mio. DKK</title>" in svg
    assert ">mio. DKK</text>" in svg
    assert "2018: planlagt 25,0, bevilget 25,0, udbetalt 0,0, årligt beløb 25,0" in svg
    assert "<title>2018, Planlagt: DKK 25,0 mio.</title>" in svg
    assert "</span>Bevilget</li>" in figure  # the legend
    for english in ("Funding", "million", "planned 2", "Committed"):
        assert english not in figure


def test_the_reports_charts_are_drawn_in_the_reports_language(funded):
    with translation.override("da"):
        chart = budget_chart_svg(budget_by_year_and_component(partnership=funded))
        heat = heat_map_svg([])
    assert "<title>Budget pr. år: planlagt, bevilget og udbetalt, mio. DKK</title>" in chart
    assert ">Årligt beløb (aftalen)</text>" in chart
    assert ">Planlagt</text>" in chart
    assert ">Konsekvens</text>" in heat
    assert ">Sandsynlighed</text>" in heat


def test_api_budget_lines_have_the_issues_fields(funded, auditor, api_login):
    rows = api_login(auditor).get("/api/v1/budget-lines/", {"year": 2018}).json()["results"]
    assert {r["component"] for r in rows} == {
        "core", "priority_area_1", "priority_area_2", "secondments",
    }  # fmt: skip
    core = next(r for r in rows if r["component"] == "core")
    assert {
        k: core[k] for k in ("year", "amount", "currency", "status", "finance_act_reference")
    } == {
        "year": 2018,
        "amount": "15000000.00",
        "currency": "DKK",
        "status": "committed",
        "finance_act_reference": "Finance Bill for 2018",
    }


def test_api_assessed_contribution_computes_the_expected_amount(funded, auditor, api_login):
    rows = api_login(auditor).get("/api/v1/assessed-contributions/").json()["results"]
    by_year = {r["year"]: r for r in rows}
    assert by_year[2018]["scale_percent"] == "0.6293"
    assert by_year[2018]["administrative_budget"] == "50690324.00"
    assert by_year[2018]["expected_amount"] == "318994.21"
    assert by_year[2018]["currency"] == "CHF"
    assert by_year[2017]["expected_amount"] is None


def test_api_voluntary_contributions_filter(funded, auditor, api_login):
    client = api_login(auditor)
    refunds = client.get("/api/v1/voluntary-contributions/", {"refunds": "true"}).json()
    assert {r["project_code"] for r in refunds["results"]} == {
        "TC0691", "RT0998", "RE0078", "RT0782", "RT1110",
    }  # fmt: skip
    assert all(Decimal(r["amount"]) < 0 for r in refunds["results"])
    ethiopia = client.get("/api/v1/voluntary-contributions/", {"country": "Ethiopia"}).json()
    assert [
        (r["project_code"], r["year"], r["amount"], r["donor_unit"]) for r in ethiopia["results"]
    ] == [("RT1324", 2017, "796178.00", "Denmark Embassy in Ethiopia")]


def test_api_budget_line_detail_reports_what_was_disbursed(funded, desk, api_login):
    line = BudgetLine.objects.get(partnership=funded, year=2018, component="secondments")
    client = api_login(desk)
    created = client.post(
        "/api/v1/disbursements/",
        {"budget_line": line.pk, "kind": "payment", "value_date": "2018-03-01",
         "amount": "250000.00", "currency": "DKK", "reference": "UM-7"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    assert created.json()["amount_dkk"] == "250000.00"
    detail = client.get(f"/api/v1/budget-lines/{line.pk}/").json()
    assert detail["disbursed"] == "250000.00"
    listing = client.get("/api/v1/budget-lines/", {"year": 2018, "component": "secondments"})
    assert listing.json()["results"][0]["disbursed"] == "250000.00"


def test_every_page_works_for_a_partnership_without_funding(outsider, other_partnership, login):
    client = login(outsider)
    base = f"/p/{other_partnership.slug}"
    for path in (
        "/", "/funding/", "/funding/exchange-rates/", "/funding/assessed-contributions/",
        "/funding/voluntary-contributions/", "/funding/voluntary-contributions/import/",
        "/funding/voluntary-contributions/reconciliation/", "/funding/allocations/",
        "/funding/staff/", "/funding/export/reconciliation.csv",
    ):  # fmt: skip
        assert client.get(base + path).status_code == 200, path
    page = client.get(f"{base}/funding/").content.decode()
    assert "No line" in page
    assert "Differs by −10,000,000" in page  # no lines against the annual amount


def test_the_strategys_sources_of_the_contributions_are_marked_in_its_language(funded, desk, login):
    """On a Danish page a screen reader speaks the strategy's citations in English."""
    page = login(desk).get(
        f"/p/{funded.slug}/funding/assessed-contributions/", HTTP_ACCEPT_LANGUAGE="da"
    )
    citations = [
        row.citation
        for row in AssessedContribution.objects.filter(partnership=funded).exclude(citation="")
    ] + [figure.citation for figure in BudgetFigure.objects.filter(partnership=funded)]
    assert len(citations) > 3
    for citation in citations:
        assert set(languages_of(page.content.decode(), citation[:30])) == {"en"}, citation
