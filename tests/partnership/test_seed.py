"""The IOM partnership as loaded from fixtures/ against the words of the strategy."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnership.models import Membership
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import Risk
from portfolio import seed

# Section 4.2, "Denmark has the following overall goals for the duration of this strategy".
STRATEGY_GOALS = [
    "IOM's incoming Director General will undertake a functional review of the Organization",
    "The Organization will undergo the MOPAN assessment",
    "The Organization will elaborate a new organization strategy/strategic priorities in "
    "consultation with member states as well as accompanying impact indicators/a results "
    "framework.",
    "More member states will provide core funding for IOM",
    "IOM will establish stronger internal governing, accountability and oversight mechanisms "
    "ensuring cross-cutting system wide quality control and coherence",
    "IOM will institute system wide results-based management",
    "IOM will continuously focus on strengthening anti-corruption efforts and efforts to combat "
    "sexual exploitation and abuse and sexual harassment.",
    "IOM will ensure communication of Danish support for IOM as appropriate.",
    "A mid-term review of the present strategy will be carried out in the fall of 2019",
]

# Section 6: (title, first words, last words) of each risk.
STRATEGY_RISKS = [
    (
        "New role within new UN architecture on migration/new responsibilities",
        "With IOM's entry into the UN system",
        "including through the core funding's focus in the present organization strategy.",
    ),
    (
        "Financing structure of the organization",
        "IOM's heavily projectized funding model will increasingly come under pressure.",
        "due to known opposition from some member states, including large donors.",
    ),
    (
        "Humanitarian space and staff security",
        "Due to the increasingly complex global political and security situation",
        "This risk applies to all humanitarian agencies working in conflict zones and is an "
        "on-going challenge.",
    ),
    (
        "Misuse of funds and misconduct",
        "During recent years, IOM has experienced growth on many parameters",
        "during the annual consultations and when otherwise deemed relevant.",
    ),
]


def test_the_agreement_has_the_period_and_amount_of_section_4_1(iom):
    assert iom.slug == "denmark-iom-2018-2020"
    assert (iom.start_date, iom.end_date) == (dt.date(2018, 1, 1), dt.date(2020, 12, 31))
    assert iom.annual_amount == Decimal("25000000.00")
    assert iom.currency == "DKK"
    assert iom.mid_term_review_due == "fall of 2019"
    assert "Subject to parliamentary approval" in iom.funding_note
    assert "Section 4.1" in iom.citation
    assert "section 5" in iom.citation


def test_the_organisation_is_iom_with_the_facts_the_strategy_states(iom):
    org = iom.organisation
    assert (org.name, org.acronym, org.headquarters) == (
        "International Organization for Migration",
        "IOM",
        "Geneva",
    )
    assert (org.founded, org.member_states, org.countries_with_offices) == (1951, 172, 107)
    assert org.un_related_since == 2016
    assert org.iati_identifier == "XM-DAC-47066"
    facts = {fact.label: fact for fact in org.facts.all()}
    assert "CHF 50,690,324" in facts["Administrative Part of the Budget 2018"].value
    assert facts["Administrative Part of the Budget 2018"].citation.endswith("footnotes 13 and 15")
    assert "7 per cent" in facts["Overhead rate"].value
    assert all(fact.citation for fact in facts.values())


def test_nine_overall_goals_in_the_words_and_order_of_section_4_2(iom):
    goals = list(OverallGoal.objects.filter(partnership=iom).order_by("number"))
    assert [goal.text for goal in goals] == STRATEGY_GOALS
    assert [goal.number for goal in goals] == list(range(1, 10))
    assert {goal.citation for goal in goals} == {"Section 4.2, overall goals"}


def test_core_funding_goal_carries_the_2017_baseline_of_footnote_25(iom):
    goal = OverallGoal.objects.get(partnership=iom, number=4)
    assert goal.baseline_value == Decimal("5")
    assert goal.baseline_year == 2017
    assert goal.baseline_citation == "Footnote 25"
    for donor in ("Austria (39.600)", "Belgium (1.201.923)", "Sweden (6.306.761)"):
        assert donor in goal.baseline_note
    assert "UK (5.174.644) and US (2.157.566)" in goal.baseline_note
    others = OverallGoal.objects.filter(partnership=iom).exclude(number=4)
    assert not others.exclude(indicator="").exists()


def test_four_risks_in_the_words_of_section_6(iom):
    risks = list(Risk.objects.filter(partnership=iom).order_by("number"))
    assert len(risks) == 4
    for risk, (title, first, last) in zip(risks, STRATEGY_RISKS, strict=True):
        assert risk.title == title
        assert risk.description.startswith(first)
        assert risk.description.endswith(last)
        assert risk.citation == f"Section 6, risk no. {risk.number}"
    # Risk 1 runs across a page break and a footnote in the document: the two halves join.
    assert "more predictable funding and continuously focus on organizational effectiveness" in (
        risks[0].description
    )


def test_two_priority_areas_of_section_4_2(iom):
    areas = list(iom.priority_areas.order_by("number"))
    assert [area.title for area in areas] == [
        "Strengthening organizational effectiveness in light of IOM's new role in the UN "
        "system/Making IOM 'fit for purpose'",
        "Supporting capacity building of governments and relevant authorities for better "
        "migration management and addressing drivers of irregular migration in order to "
        "ensure safe, regular and orderly migration",
    ]
    assert all(area.citation.startswith("Section 4.2") for area in areas)


def test_priority_area_2_is_named_short_as_section_4_1_names_it(iom):
    area = iom.priority_areas.get(number=2)
    # Section 4.1: "DKK 4 million per year is used for Priority area 2: '...'".
    assert area.short_title == (
        "Supporting capacity building for better migration management and addressing "
        "drivers of irregular migration in order to ensure safe, regular and orderly migration"
    )
    assert "section 4.1" in area.citation


def test_the_funding_note_quotes_section_4_1_and_the_budget_tables_footnote(iom):
    assert iom.funding_note == (
        'Section 4.1: "Subject to parliamentary approval, it provides predictable funding '
        "from Denmark in the amount of DKK 25 million per year in accordance with the "
        "Finance Bill for 2018 which stipulates that in 2018 a core contribution of 25 mill. "
        "DKK will be allocated to IOM of which the 10 mill. DKK will be allocated as a "
        "thematic contribution in accordance with Denmark's Strategy for Development "
        "Cooperation and Humanitarian Action.\" Section 5, the budget table's footnote to "
        '2019 and 2020: "*Subject to parliamentary approval."'
    )


def test_citations_of_section_3_2_name_which_of_its_two_headings(iom):
    # The document numbers two headings 3.2: "IOM's Strategic Focus" and "Key challenges".
    citations = [
        *iom.organisation.facts.values_list("citation", flat=True),
        *iom.documents.values_list("citation", flat=True),
    ]
    with_3_2 = [citation for citation in citations if "3.2" in citation]
    assert len(with_3_2) == 4
    assert all(
        "IOM's Strategic Focus" in citation or "Key challenges" in citation for citation in with_3_2
    )


def test_loading_twice_creates_nothing_new_and_keeps_edits(iom):
    goal = OverallGoal.objects.get(partnership=iom, number=1)
    goal.unit = "edited"
    goal.save()
    counts = (OverallGoal.objects.count(), Risk.objects.count(), Partnership.objects.count())
    seed.load()
    assert (OverallGoal.objects.count(), Risk.objects.count(), Partnership.objects.count()) == (
        counts
    )
    goal.refresh_from_db()
    assert goal.unit == "edited"


@pytest.mark.django_db
def test_setup_demo_creates_the_three_demo_users_and_is_safe_to_repeat(settings, capsys):
    settings.DEMO_PASSWORD = "demo-pass-for-test"
    call_command("setup_demo")
    call_command("setup_demo")
    roles = dict(
        Membership.objects.filter(partnership__slug=seed.IOM_SLUG).values_list(
            "user__username", "role"
        )
    )
    assert roles == {
        "desk": Membership.Role.DESK_OFFICER,
        "geneva": Membership.Role.MISSION_STAFF,
        "auditor": Membership.Role.AUDITOR,
    }
    assert Partnership.objects.count() == 1
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in output
    assert "desk" in output


@pytest.mark.django_db
def test_setup_demo_creates_a_demo_administrator_who_manages_people_and_memberships(
    settings, capsys, client
):
    settings.DEMO_PASSWORD = "demo-pass-for-test"
    call_command("setup_demo")
    call_command("setup_demo")
    admin = get_user_model().objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff, admin.is_active) == (True, True, True)
    assert admin.check_password("demo-pass-for-test")
    assert not Membership.objects.filter(user=admin).exists()  # no role in a partnership
    assert "admin" in capsys.readouterr().out
    client.force_login(admin)
    assert client.get("/admin/partnership/membership/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200


def test_the_readme_names_the_demo_administrator():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "`admin`" in quick_start
    assert "/admin/" in quick_start
