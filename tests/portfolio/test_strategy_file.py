"""One strategy file format, one loader: the seed and users' files alike, checked whole
before anything is stored, every problem with its line and field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError
from django.core.management import call_command

from consultations import services as consultation_services
from consultations.models import StandardAgendaItem
from funding.models import BudgetLine
from partnership.models import Document
from partnership.models import Organisation
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from portfolio import seed
from portfolio import selectors
from portfolio import services
from portfolio import strategy_file
from portfolio.strategy_file import StrategyFileError
from tests import factories

README = Path(__file__).resolve().parents[2] / "README.md"

UNHCR = """\
format: 1
organisation:
  name: Office of the United Nations High Commissioner for Refugees
  acronym: UNHCR
  headquarters: Geneva
partnership:
  title: Strategic Partnership Agreement between Denmark and UNHCR 2021–2025
  start_date: 2021-01-01
  end_date: 2025-12-31
  annual_amount: 60000000.00
  mid_term_review_due: spring 2023
priority_areas:
  - number: 1
    title: Protection and solutions
  - number: 2
    title: Humanitarian-development nexus
goals:
  - number: 1
    text: More refugees are included in national systems
    priority_area: 2
    indicator: Countries including refugees in national health systems
    unit: countries
    baseline_value: 12
    baseline_year: 2020
    target_value: 20
  - number: 2
    text: UNHCR strengthens its oversight
risks:
  - number: 1
    title: Funding gap
    description: Needs grow faster than funding.
budget:
  - {year: 2021, component: core, amount: 45000000.00, status: committed,
     finance_act_reference: Finance Act for 2021}
  - {year: 2021, component: priority_area_1, amount: 15000000.00}
  - {year: 2022, component: core, amount: 45000000.00}
standard_agenda:
  - code: i
    title: UNHCR's use of the Danish contribution
  - code: protection
    kind: raised
    title: Protection from sexual exploitation and abuse
documents:
  - kind: strategy
    title: UNHCR Strategic Directions 2022–2026
    url: https://www.unhcr.org/strategic-directions
"""


def _errors(content: str) -> list[str]:
    with pytest.raises(StrategyFileError) as refused:
        strategy_file.read(content.encode())
    return [str(error) for error in refused.value.errors]


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Organisation, Partnership, PriorityArea, OverallGoal, Risk, BudgetLine,
            StandardAgendaItem, Document,
        )
    )  # fmt: skip


# --- The seed goes through the loader ----------------------------------------------------------


def test_the_seed_is_a_strategy_file_with_the_budget_table_and_standard_agenda_of_the_strategy(
    iom,
):
    lines = {
        (line.year, line.component): line for line in BudgetLine.objects.filter(partnership=iom)
    }
    assert len(lines) == 12  # section 5: three years, four components
    amounts = {component: lines[(2019, component)].amount for _, component in lines}
    assert amounts == {
        "core": Decimal("15000000.00"),
        "priority_area_1": Decimal("4000000.00"),
        "priority_area_2": Decimal("4000000.00"),
        "secondments": Decimal("2000000.00"),
    }
    assert {line.status for (year, _), line in lines.items() if year == 2018} == {"committed"}
    assert lines[(2018, "core")].finance_act_reference == "Finance Bill for 2018"
    assert {line.status for (year, _), line in lines.items() if year > 2018} == {"indicative"}
    agenda = list(iom.standard_agenda.values_list("code", "kind"))
    assert agenda == [
        *((code, "standard") for code in ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]),
        ("efficiency", "raised"),
        ("corruption-misconduct", "raised"),
        ("transparency", "raised"),
    ]
    assert all(item.citation.startswith("Section 4.1") for item in iom.standard_agenda.all())


def test_the_seed_file_reads_back_as_it_is_written():
    strategy = strategy_file.read(seed.IOM_STRATEGY.read_bytes())
    again = strategy_file.read(strategy_file.dump(strategy))
    assert strategy_file.as_data(again) == strategy_file.as_data(strategy)
    assert strategy.partnership.values["annual_amount"] == Decimal("25000000.00")


def test_the_iom_file_loaded_then_downloaded_writes_its_numbers_as_the_file_does(iom, desk, login):
    fixture = seed.IOM_STRATEGY.read_text(encoding="utf-8")
    download = login(desk).get(f"/p/{iom.slug}/strategy.yaml")
    assert download.status_code == 200
    text = download.content.decode()
    # What is stored is written as the file itself is: goal 4's baseline of 5 is stored
    # as 5.00 and written 5; money to the cent, as the budget table is written.
    assert text == strategy_file.dump(strategy_file.read(seed.IOM_STRATEGY.read_bytes())).decode()
    for line in ("  baseline_value: '5'", "  annual_amount: '25000000.00'"):
        assert f"\n{line}\n" in fixture
        assert f"\n{line}\n" in text
    amounts = [line for line in fixture.splitlines() if line.startswith("  amount: ")]
    assert len(amounts) == 12
    assert amounts == [line for line in text.splitlines() if line.startswith("  amount: ")]


def test_a_number_is_written_without_the_zeros_its_column_pads_it_with():
    values = {
        "baseline_value": Decimal("5.50"),
        "target_value": Decimal("5E+1"),
        "amount": Decimal("7"),
    }
    written = {name: strategy_file._plain(name, value) for name, value in values.items()}
    assert written == {"baseline_value": "5.5", "target_value": "50", "amount": "7.00"}


def test_the_standard_agenda_is_the_partnerships_data_not_its_slug(iom, desk):
    """A partnership other than IOM's with an agenda of its own gets it on its consultations;
    one without gets none, whatever its slug."""
    other = factories.PartnershipFactory(slug="unhcr-2021-2025")
    consultation_services.standard_agenda_item_create(
        partnership=other, by=desk, code="i", title="Use of the contribution"
    )
    consultation = consultation_services.consultation_create(partnership=other, by=desk, year=2021)
    assert list(consultation.agenda_items.values_list("code", "title")) == [
        ("i", "Use of the contribution")
    ]
    iom.standard_agenda.all().delete()
    bare = consultation_services.consultation_create(partnership=iom, by=desk, year=2020)
    assert not bare.agenda_items.exists()


# --- Users' files ------------------------------------------------------------------------------


def test_a_file_makes_a_draft_partnership_with_everything_it_holds(db, desk):
    saved = services.strategy_import(content=UNHCR.encode(), filename="unhcr.yaml", by=desk)
    partnership = saved.partnership
    assert not saved.organisation_existed
    assert partnership.slug == "denmark-unhcr-2021-2025"
    assert partnership.status == Partnership.Status.DRAFT
    assert partnership.donor == "Denmark — Ministry of Foreign Affairs"
    assert (partnership.start_date, partnership.end_date) == (
        dt.date(2021, 1, 1), dt.date(2025, 12, 31),
    )  # fmt: skip
    assert partnership.annual_amount == Decimal("60000000.00")
    assert partnership.organisation.acronym == "UNHCR"
    goal = partnership.goals.get(number=1)
    assert goal.priority_area == partnership.priority_areas.get(number=2)
    assert (goal.baseline_value, goal.baseline_year, goal.target_value, goal.unit) == (
        Decimal(12), 2020, Decimal(20), "countries",
    )  # fmt: skip
    assert partnership.risks.get().title == "Funding gap"
    core = partnership.budget_lines.get(year=2021, component="core")
    assert (core.amount, core.status, core.finance_act_reference) == (
        Decimal("45000000.00"), "committed", "Finance Act for 2021",
    )  # fmt: skip
    assert partnership.budget_lines.count() == 3
    assert list(partnership.standard_agenda.values_list("code", "kind")) == [
        ("i", "standard"),
        ("protection", "raised"),
    ]
    assert partnership.documents.get().url == "https://www.unhcr.org/strategic-directions"
    # Who loaded it, and from what, is in every row's history.
    created = goal.history.get()
    assert created.history_user == desk
    assert created.history_change_reason == "Loaded from the strategy file unhcr.yaml"


def test_a_file_that_does_not_name_the_strategys_language_makes_an_english_one(db, desk):
    assert "strategy_language" not in UNHCR
    saved = services.strategy_import(content=UNHCR.encode(), filename="unhcr.yaml", by=desk)
    assert saved.partnership.strategy_language == "en"


def test_a_danish_strategy_is_loaded_and_downloaded_as_danish(db, desk, login):
    content = UNHCR.replace(
        "  mid_term_review_due:", "  strategy_language: da\n  mid_term_review_due:"
    )
    saved = services.strategy_import(content=content.encode(), filename="unhcr.yaml", by=desk)
    assert saved.partnership.strategy_language == "da"
    stored = Partnership.objects.get(pk=saved.partnership.pk)
    written = strategy_file.dump(selectors.strategy_of(partnership=stored)).decode()
    assert "\n  strategy_language: da\n" in written
    assert strategy_file.read(written.encode()).partnership.values["strategy_language"] == "da"


def test_a_language_the_site_does_not_speak_is_refused_at_its_line():
    content = UNHCR.replace(
        "  mid_term_review_due:", "  strategy_language: fr\n  mid_term_review_due:"
    )
    line = content.splitlines().index("  strategy_language: fr") + 1
    assert _errors(content) == [
        f"Line {line}, partnership.strategy_language: Value 'fr' is not a valid choice. "
        "Choose one of: en, da."
    ]


def test_an_organisation_already_recorded_is_used_as_it_stands(db, desk):
    recorded = factories.OrganisationFactory(
        name="Office of the United Nations High Commissioner for Refugees", acronym="UNHCR"
    )
    saved = services.strategy_import(content=UNHCR.encode(), filename="unhcr.yaml", by=desk)
    assert saved.organisation_existed
    assert saved.partnership.organisation == recorded
    recorded.refresh_from_db()
    assert recorded.headquarters == ""  # the file's value does not overwrite the record


def test_a_slug_taken_refuses_the_file_at_the_slug_and_stores_nothing(iom, desk):
    content = UNHCR.replace("  mid_term_review_due", f"  slug: {iom.slug}\n  mid_term_review_due")
    before = _counts()
    with pytest.raises(StrategyFileError) as refused:
        services.strategy_import(content=content.encode(), filename="unhcr.yaml", by=desk)
    assert [str(e) for e in refused.value.errors] == [
        f"Line 11, partnership.slug: The slug {iom.slug} is taken by “{iom.title}”: give this "
        "partnership a slug of its own."
    ]
    assert _counts() == before


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "annual_amount: 60000000.00",
            "annual_amount: -5",
            "partnership.annual_amount: Ensure this value is greater than or equal to 0.",
        ),
        (
            "component: priority_area_1, amount: 15000000.00",
            "component: priority_area_1, amount: -15",
            "budget[2].amount: Ensure this value is greater than or equal to 0.",
        ),
    ],
)
def test_a_negative_amount_is_refused_at_its_field_not_as_a_constraint(db, desk, old, new, error):
    before = _counts()
    with pytest.raises(StrategyFileError) as refused:
        services.strategy_import(
            content=UNHCR.replace(old, new).encode(), filename="unhcr.yaml", by=desk
        )
    (message,) = [str(e) for e in refused.value.errors]
    assert message.endswith(error), message
    assert _counts() == before


def test_every_problem_is_reported_with_its_line_and_field_and_nothing_is_stored(db, desk):
    content = (
        UNHCR.replace("end_date: 2025-12-31", "end_date: 2020-12-31")
        .replace("annual_amount: 60000000.00", "annual_amount: 60000000.005")
        .replace("    priority_area: 2\n", "    priority_area: 3\n")
        .replace("  - number: 2\n    text: UNHCR", "  - number: 1\n    text: UNHCR")
        .replace("component: priority_area_1", "component: priority_area_9")
        .replace("    kind: raised\n", "    kind: urgent\n")
        .replace("  headquarters: Geneva\n", "  headquarters: Geneva\n  colour: blue\n")
    )
    before = _counts()
    with pytest.raises(StrategyFileError) as refused:
        services.strategy_import(content=content.encode(), filename="unhcr.yaml", by=desk)
    assert [str(e) for e in refused.value.errors] == [
        "Line 6, organisation.colour: Not a field here; expected one of: name, acronym, "
        "headquarters, founded, member_states, countries_with_offices, un_related_since, "
        "iati_identifier, citation, facts.",
        "Line 10, partnership.end_date: The period must end on or after its start.",
        "Line 11, partnership.annual_amount: Ensure that there are no more than 2 decimal places.",
        "Line 21, goals[1].priority_area: No priority area 3 in this file: give the number of "
        "one of its priority areas.",
        "Line 27, goals[2].number: Given twice: also at line 19.",
        "Line 36, budget[2].component: Value 'priority_area_9' is not a valid choice. Choose "
        "one of: core, priority_area_1, priority_area_2, secondments.",
        "Line 42, standard_agenda[2].kind: Value 'urgent' is not a valid choice. Choose one "
        "of: standard, raised.",
    ]
    # The API and the pages show the same list as the file's errors.
    assert refused.value.message_dict == {"file": [str(e) for e in refused.value.errors]}
    assert _counts() == before


NOT_A_STRATEGY = [
    ("", "file: The file is empty."),
    ("- organisation\n", "Line 1, file: Give the fields of this part (name: value, one a line)."),
    (
        "organisation: [1, 2",
        "Line 1, file: This is not valid YAML: expected ',' or ']', but got '<stream end>'.",
    ),
    (
        "organisation: &o {name: X}\npartnership: *o\n",
        "Line 2, file: Aliases (*name) are not read: write the value out.",
    ),
    (
        "organisation: {}\norganisation: {}\n",
        "Line 2, file: The field organisation is given twice.",
    ),
    (
        "partnership:\n  start_date: 2021-02-30\n",
        "Line 2, file: 2021-02-30 is not a date of the calendar.",
    ),
]


@pytest.mark.parametrize(("content", "error"), NOT_A_STRATEGY)
def test_what_is_not_a_strategy_file_is_refused_with_a_reason(content, error):
    assert error in _errors(content)


def test_a_file_that_is_not_utf_8_is_refused():
    with pytest.raises(StrategyFileError) as refused:
        strategy_file.read(b"organisation: \xff\n")
    assert [str(e) for e in refused.value.errors] == ["file: The file is not UTF-8 text."]


def test_yes_and_no_as_text_must_be_quoted_and_money_is_never_a_float():
    errors = _errors(UNHCR.replace("title: Funding gap", "title: no"))
    assert errors == [
        "Line 30, risks[1].title: YAML reads yes, no, on, off, true and false as a truth "
        "value: quote the text."
    ]
    strategy = strategy_file.read(UNHCR.replace("60000000.00", "0.1").encode())
    # 0.1 is not representable as a float; read as a Decimal it is exactly one tenth.
    assert strategy.partnership.values["annual_amount"] == Decimal("0.1")


def test_a_budget_line_outside_the_period_and_a_closed_status_are_refused():
    errors = _errors(
        UNHCR.replace("year: 2022", "year: 2026").replace(
            "  mid_term_review_due", "  status: closed\n  mid_term_review_due"
        )
    )
    assert errors == [
        "Line 11, partnership.status: A strategy file makes a draft or an active partnership, "
        "not a closed one.",
        "Line 37, budget[3].year: The agreement runs 2021–2025.",
    ]


def test_a_large_file_is_refused_before_it_is_parsed():
    content = b"# " + b"x" * strategy_file.MAX_BYTES
    with pytest.raises(StrategyFileError) as refused:
        strategy_file.read(content)
    assert str(refused.value.errors[0]) == "file: The file is larger than 1000 kB."


def test_the_readme_documents_every_field_of_the_format():
    documented = README.read_text(encoding="utf-8").split("## Strategy files", 1)[1]
    documented = documented.split("\n## ", 1)[0]
    for section in (strategy_file.ORGANISATION, strategy_file.PARTNERSHIP, *strategy_file.LISTS):
        assert f"`{section.name}`" in documented, section.name
        for name in section.fields:
            assert f"`{name}`" in documented, (section.name, name)
    sample = documented.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert strategy_file.read(sample.encode()).partnership.values["title"]
    assert yaml.safe_load(sample)["format"] == 1


def test_load_strategy_loads_a_file_and_is_safe_to_repeat(db, tmp_path, capsys):
    path = tmp_path / "unhcr.yaml"
    path.write_text(UNHCR, encoding="utf-8")
    call_command("load_strategy", str(path))
    call_command("load_strategy", str(path))
    partnership = Partnership.objects.get(slug="denmark-unhcr-2021-2025")
    assert partnership.goals.count() == 2
    assert partnership.budget_lines.count() == 3
    assert "Loaded “Strategic Partnership Agreement between Denmark and UNHCR" in (
        capsys.readouterr().out
    )


def test_load_strategy_lists_the_problems_of_a_file_it_refuses(db, tmp_path):
    path = tmp_path / "unhcr.yaml"
    path.write_text(UNHCR.replace("year: 2022", "year: 2030"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_strategy", str(path))
    assert "nothing was stored" in str(refused.value)
    assert "Line 36, budget[3].year: The agreement runs 2021–2025." in str(refused.value)
    assert not Partnership.objects.filter(slug="denmark-unhcr-2021-2025").exists()


def test_a_baseline_year_out_of_range_is_refused_at_its_line():
    content = UNHCR.replace("baseline_year: 2020", "baseline_year: 1700")
    assert _errors(content) == [
        "Line 24, goals[1].baseline_year: Ensure this value is greater than or equal to 1945."
    ]
