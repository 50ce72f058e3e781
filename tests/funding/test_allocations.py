"""Earmarked allocations and the DAC list in force for the year."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from funding import dac
from funding import services
from funding.models import Allocation
from funding.models import BudgetLine
from funding.models import Component
from tests.queries import count_get


def test_the_shipped_dac_list_has_every_country_with_its_income_group():
    with dac.LIST_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(dac.recipients()) == 143
    assert Counter(r["income_group"] for r in rows) == {
        "Least Developed Countries": 47,
        "Other Low Income Countries": 2,
        "Lower Middle Income Countries and Territories": 37,
        "Upper Middle Income Countries and Territories": 57,
    }
    assert dac.recipient("ET").income_group == "Least Developed Countries"


def test_the_cook_islands_are_on_the_list_for_2018_and_2019_but_not_2020():
    assert dac.eligible("CK", 2018)
    assert dac.eligible("CK", 2019)
    assert not dac.eligible("CK", 2020)
    assert "1 January 2020" in dac.recipient("CK").graduation_source


@pytest.fixture
def pa2(funded, desk):
    for year in (2019, 2020):
        services.budget_year_commit(
            partnership=funded, year=year, finance_act_reference="FL", reason="Adopted", by=desk
        )
    lines = BudgetLine.objects.filter(partnership=funded, component=Component.PRIORITY_AREA_2)
    return {line.year: line for line in lines}


def _allocate(line, country, amount="100000"):
    return services.allocation_create(
        budget_line=line, country=country, amount=Decimal(amount), description="Border management"
    )


def test_an_allocation_to_a_country_on_the_list_is_accepted(pa2):
    allocation = _allocate(pa2[2018], "et")
    assert _allocate(pa2[2018], "XK").country == "XK"  # Kosovo, on the list by its user code
    assert allocation.country == "ET"
    assert _allocate(pa2[2019], "CK").country == "CK"


def test_an_allocation_to_a_country_off_the_list_is_refused_naming_country_list_and_year(pa2):
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "DK")
    assert error.value.message_dict["country"] == [
        "Denmark (DK) is not on the DAC List of ODA Recipients 2018–2020 in force for 2018: "
        "earmarked money may only go to countries on it."
    ]
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "QQ")
    assert error.value.message_dict["country"] == ["QQ is not an ISO 3166 alpha-2 country code."]
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2020], "CK")
    assert error.value.message_dict["country"] == [
        "Cook Islands (CK) is not on the DAC List of ODA Recipients 2018–2020 in force for "
        "2020: it graduated with effect from 1 January 2020."
    ]
    assert not Allocation.objects.exists()


def test_allocations_only_from_earmarked_lines_and_within_their_amount(funded, pa2):
    core = BudgetLine.objects.get(partnership=funded, year=2018, component=Component.CORE)
    with pytest.raises(ValidationError) as error:
        _allocate(core, "ET")
    assert "budget_line" in error.value.message_dict
    _allocate(pa2[2018], "ET", "3000000")
    with pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "BD", "1000000.01")
    assert "DKK 1,000,000.00 is not yet allocated" in error.value.message_dict["amount"][0]


def test_allocation_page_shows_the_refusal_at_the_country_field(pa2, desk, login):
    response = login(desk).post(
        f"/p/{pa2[2020].partnership.slug}/funding/allocations/?year=2020",
        {"budget_line": pa2[2020].pk, "country": "CK", "amount": "1000", "description": "x"},
    )
    assert response.status_code == 400
    assert "Cook Islands (CK) is not on the DAC List" in response.content.decode()
    assert not Allocation.objects.exists()


# --- The country picker (pages) and the code (API) -----------------------------------------


def _post(client, line, country, amount="1000", **extra):
    """As the page's form posts, with the year of the lines it offers."""
    return client.post(
        f"/p/{line.partnership.slug}/funding/allocations/?year={line.year}",
        {"budget_line": line.pk, "country": country, "amount": amount, "description": "x", **extra},
    )


def test_a_country_chosen_by_name_is_saved_under_its_own_code_never_cut_short(pa2, desk, login):
    client = login(desk)
    # "Niger" once became NI (Nicaragua): the name is looked up, not truncated.
    assert _post(client, pa2[2019], "Niger").status_code == 302
    assert _post(client, pa2[2019], "Niger (NE)").status_code == 302  # as the list writes it
    assert _post(client, pa2[2019], "côte d’ivoire").status_code == 302  # accents, apostrophe
    assert _post(client, pa2[2019], "bd").status_code == 302  # or by its code
    assert list(Allocation.objects.order_by("pk").values_list("country", flat=True)) == [
        "NE", "NE", "CI", "BD",
    ]  # fmt: skip
    page = client.get(f"/p/{pa2[2019].partnership.slug}/funding/allocations/").content.decode()
    assert "Niger (NE)" in page
    assert "Nicaragua" not in page.split("<datalist")[0]


def test_a_country_off_the_list_is_refused_by_name_and_an_unknown_name_is_refused(pa2, desk, login):
    client = login(desk)
    # "Chile" was once read as CH (Switzerland): it is Chile, and Chile left the list.
    refused = _post(client, pa2[2019], "Chile")
    assert refused.status_code == 400
    assert (
        "Chile (CL) is not on the DAC List of ODA Recipients 2018–2020 in force for 2019"
        in refused.content.decode()
    )
    unknown = _post(client, pa2[2019], "Nigeria and Niger")
    assert unknown.status_code == 400
    assert "is not a country name or ISO 3166 code we know" in unknown.content.decode()
    assert not Allocation.objects.exists()


def test_a_danish_desk_officer_is_told_the_countries_are_named_in_english(pa2, desk, login):
    client = login(desk)
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/?year=2019"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
    help_text = str(page.context["form"].fields["country"].help_text)
    assert help_text.startswith("Skriv en del af landets engelske navn eller ISO-kode")
    text = page.content.decode()
    assert "fixtures/" not in text
    assert "Reference: OECD's DAC-liste over ODA-modtagere for 2018–2020 (OECD DAC" in text
    english = client.get(url).content.decode()
    assert "fixtures/" not in english
    assert "Reference: the OECD DAC List of ODA Recipients effective for reporting on" in english
    refused = client.post(
        url,
        {"budget_line": pa2[2019].pk, "country": "Etiopien", "amount": "1000",
         "description": "x"},
        HTTP_ACCEPT_LANGUAGE="da",
    )  # fmt: skip
    assert refused.context["form"].errors["country"] == [
        "“Etiopien” er ikke et landenavn eller en ISO 3166-kode, vi kender: angiv landets "
        "engelske navn eller kode, eller vælg et af forslagene, fx Niger (NE)."
    ]
    assert _post(client, pa2[2019], "Ethiopia").status_code == 302


def test_the_picker_lists_the_dac_countries_by_name_with_their_income_group(pa2, desk, login):
    """The countries on the list in force for the year whose lines the form offers."""
    client = login(desk)

    def field(year):
        html = client.get(
            f"/p/{pa2[2019].partnership.slug}/funding/allocations/", {"year": year}
        ).content.decode()
        return html[html.index('name="country"') - 200 : html.index("</datalist>")]

    in_2019, in_2020 = field(2019), field(2020)
    assert 'list="id_country-countries"' in in_2019
    assert 'maxlength="2"' not in in_2019
    assert '<option value="Niger (NE)">Least Developed Countries</option>' in in_2019
    assert (
        '<option value="Cook Islands (CK)">Upper Middle Income Countries and Territories'
        "</option>" in in_2019
    )
    assert "Cook Islands (CK)" not in in_2020  # graduated with effect from 2020
    assert "Chile (CL)" not in in_2019  # not on the list
    assert in_2019.count("<option ") == 143
    assert in_2020.count("<option ") == 142


def test_the_pickers_suggestions_are_made_once_a_process_for_a_year_and_language(
    pa2, desk, login, monkeypatch
):
    """The hundred and forty countries of a year's list are the same for every form: made
    once for a year and a language, not on every request (the allocations page and the
    edit page of an allocation both show them)."""
    from funding import forms as funding_forms

    made = []
    picker_options = dac.picker_options
    monkeypatch.setattr(
        dac, "picker_options", lambda years: made.append(years) or picker_options(years)
    )
    funding_forms.country_datalist.cache_clear()
    client = login(desk)
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/"
    pages = [client.get(url, {"year": 2019}).content.decode() for _ in range(3)]

    def datalist(page):
        return page[page.index("<datalist") : page.index("</datalist>")]

    assert datalist(pages[0]).count("<option ") == 143
    assert datalist(pages[0]) == datalist(pages[2])
    assert made == [(2019,)]
    client.get(url, {"year": 2020})
    danish = client.get(url, {"year": 2019}, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert '<option value="Niger (NE)">' in danish
    assert made == [(2019,), (2020,), (2019,)]  # Danish made once, then as English: read


@pytest.mark.parametrize(
    ("country", "message"),
    [
        ("Niger", "Give the ISO 3166 alpha-2 code, not the name: Niger (NE)."),
        ("NER", "“NER” is not an ISO 3166 alpha-2 code: give two letters, e.g. NE for Niger."),
        ("QQ", "QQ is not an ISO 3166 alpha-2 country code."),
        (
            "CL",
            "Chile (CL) is not on the DAC List of ODA Recipients 2018–2020 in force for 2019: "
            "earmarked money may only go to countries on it.",
        ),
    ],
)
def test_the_api_takes_only_a_known_alpha_2_code(pa2, desk, api_login, country, message):
    response = api_login(desk).post(
        "/api/v1/allocations/",
        {"budget_line": pa2[2019].pk, "country": country, "amount": "10.00", "description": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"country": [message]}
    assert not Allocation.objects.exists()


def test_the_api_saves_a_code_and_answers_the_countrys_name(pa2, desk, api_login):
    response = api_login(desk).post(
        "/api/v1/allocations/",
        {"budget_line": pa2[2019].pk, "country": "ne", "amount": "10.00", "description": "x"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["country"], response.json()["country_name"]) == ("NE", "Niger")


# --- Corrections and withdrawals, with the reason kept in the history ------------------------


@pytest.fixture
def niger(pa2, desk):
    return services.allocation_create(
        budget_line=pa2[2019], country="NE", amount=Decimal("4000000"), description="Borders",
        by=desk,
    )  # fmt: skip


def test_an_allocation_is_corrected_on_its_page_with_the_reason(niger, pa2, desk, login):
    client = login(desk)
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/{niger.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'value="Niger (NE)"' in form
    data = {
        "budget_line": pa2[2019].pk,
        "country": "Mali",
        "amount": "4000000",  # the whole line: this allocation's own amount is not counted twice
        "description": "Border management",
        "reported_in": "IOM annual report 2019",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Give a reason" in refused.content.decode()
    assert client.post(url, {**data, "reason": "Mali, as IOM's report says"}).status_code == 302
    niger.refresh_from_db()
    assert (niger.country, niger.description) == ("ML", "Border management")
    assert niger.history.first().history_change_reason == "Mali, as IOM's report says"


def test_an_allocation_is_withdrawn_with_the_reason_and_its_history_keeps_it(
    niger, pa2, desk, auditor, login
):
    client = login(desk)
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/{niger.pk}/withdraw/"
    page = client.get(url).content.decode()
    assert (
        "Remove the allocation of DKK 4,000,000.00 to Niger (NE) from 2019 · Priority area 2"
        in page
    )
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Reported twice"}).status_code == 302
    assert not Allocation.objects.exists()
    deleted = Allocation.history.filter(id=niger.pk).first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", "Reported twice")
    assert deleted.history_user == desk
    # The auditor reads it in the partnership's change history.
    history = login(auditor).get(f"/p/{pa2[2019].partnership.slug}/history/").content.decode()
    assert "Reported twice" in history


def test_an_allocation_is_corrected_and_withdrawn_through_the_api(
    niger, pa2, desk, geneva, api_login
):
    client = api_login(desk)
    url = f"/api/v1/allocations/{niger.pk}/"
    assert client.patch(url, {"amount": "100.00"}, format="json").json() == {
        "reason": ["Give a reason: it is kept with the change history."]
    }
    assert client.patch(url, {"country": "Niger", "reason": "x"}, format="json").json() == {
        "country": ["Give the ISO 3166 alpha-2 code, not the name: Niger (NE)."]
    }
    patched = client.patch(url, {"amount": "100.00", "reason": "Typo"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["amount"] == "100.00"
    assert niger.history.first().history_change_reason == "Typo"
    assert (
        api_login(geneva).post(f"{url}withdraw/", {"reason": "x"}, format="json").status_code == 403
    )
    assert client.post(f"{url}withdraw/", {}, format="json").status_code == 400
    assert client.post(f"{url}withdraw/", {"reason": "Twice"}, format="json").status_code == 204
    assert client.get(url).status_code == 404
    assert Allocation.history.filter(id=niger.pk).first().history_change_reason == "Twice"


def test_the_allocations_page_keeps_its_query_count_with_the_picker(pa2, desk, login):
    client = login(desk)
    _allocate(pa2[2019], "SO", "10")  # a page of allocations: their count, then the page
    few = count_get(client, f"/p/{pa2[2019].partnership.slug}/funding/allocations/")
    for country in ("ET", "BD", "NE"):
        _allocate(pa2[2019], country, "10")
    assert count_get(client, f"/p/{pa2[2019].partnership.slug}/funding/allocations/") == few


def test_the_form_offers_the_earmarked_lines_of_the_year_chosen_and_refuses_another_years(
    pa2, desk, login
):
    """The page offers the lines of one year (this year's, within the agreement, unless
    ?year= chooses another); its form posts to that year, and a line of another year is
    refused at the field as a line of another partnership is."""
    client = login(desk)
    slug = pa2[2019].partnership.slug
    page = client.get(f"/p/{slug}/funding/allocations/", {"year": 2019}).content.decode()
    picker = page[
        page.index('name="budget_line"') : page.index("</select>", page.index('name="budget_line"'))
    ]
    assert pa2[2019].label in picker
    assert pa2[2020].label not in picker
    assert '<option value="2019" selected>2019</option>' in page
    assert 'action="?year=2019"' in page
    refused = client.post(
        f"/p/{slug}/funding/allocations/?year=2019",
        {"budget_line": pa2[2020].pk, "country": "ET", "amount": "10", "description": "x"},
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert not Allocation.objects.exists()


def test_the_edit_page_offers_the_lines_of_the_allocations_year_and_another_on_request(
    pa2, desk, login
):
    allocation = _allocate(pa2[2019], "ET")
    client = login(desk)
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/{allocation.pk}/edit/"
    page = client.get(url).content.decode()
    assert f'<option value="{pa2[2019].pk}" selected>' in page
    assert pa2[2020].label not in page.split('name="budget_line"')[1].split("</select>")[0]
    moved = client.post(
        f"{url}?year=2020",
        {"budget_line": pa2[2020].pk, "country": "ET", "amount": "10", "description": "x",
         "reason": "Booked on the wrong year"},
    )  # fmt: skip
    assert moved.status_code == 302
    allocation.refresh_from_db()
    assert allocation.budget_line == pa2[2020]


def test_a_country_off_the_list_is_refused_in_the_readers_language(pa2):
    from django.utils import translation

    with translation.override("da"), pytest.raises(ValidationError) as error:
        _allocate(pa2[2020], "CK")
    assert error.value.message_dict["country"] == [
        "Cook Islands (CK) er ikke på DAC List of ODA Recipients 2018–2020, der gælder for "
        "2020: landet er udgået med virkning fra 1. januar 2020."
    ]
    with translation.override("da"), pytest.raises(ValidationError) as error:
        _allocate(pa2[2018], "QQ")
    assert error.value.message_dict["country"] == [
        "QQ er ikke en landekode efter ISO 3166 alpha-2."
    ]


def test_the_withdrawal_names_the_allocation_in_the_readers_language(niger, pa2, desk, login):
    url = f"/p/{pa2[2019].partnership.slug}/funding/allocations/{niger.pk}/withdraw/"
    page = login(desk).get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "allokeringen af DKK 4.000.000,00 til Niger (NE) fra 2019 · " in page
    assert "allocation of DKK" not in page


def test_the_allocations_page_says_the_strategy_limits_the_contribution_and_the_list_checks(
    funded, desk, login
):
    client = login(desk)
    url = f"/p/{funded.slug}/funding/allocations/"
    page = unescape(strip_tags(client.get(url).content.decode()))
    assert (
        "The strategy limits Denmark's contribution to countries on the OECD/DAC list of "
        "developing countries (section 4.1; section 4.2, priority area 2); each country IOM "
        "reports is checked against the OECD/DAC list of ODA recipients in force for the "
        "line's year."
    ) in page
    assert "Earmarked money may only go" not in page
    danish = unescape(strip_tags(client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()))
    assert "Strategien begrænser Danmarks bidrag til lande på OECD/DAC's liste" in danish
