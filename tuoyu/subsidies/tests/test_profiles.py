"""An institution's subsidy profile: the commission saves the investing body (its credit code checked by
the check digit) and state-owned premises with the rent-free start (audited); bad input is refused with a
message and nothing written; other officials read it, operators and families do not."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from tuoyu.subsidies.models import SubsidyProfile
from tuoyu.subsidies.services.profiles import profile_save

STEM = "91500154MA7777777"
GOOD_USCC = STEM + uscc.calc_check_digit(STEM)
BAD_USCC = STEM + ("0" if uscc.calc_check_digit(STEM) != "0" else "1")


@pytest.fixture
def institution(make_institution):
    return make_institution(name="档案托育园", is_puhui=True)


def test_the_commission_saves_a_profile_audited(institution, hc_admin):
    profile = profile_save(
        institution=institution,
        by=hc_admin,
        investor_name="开州投资有限公司",
        investor_uscc=GOOD_USCC.lower(),
        state_premises=True,
        rent_free_from=date(2024, 2, 29),
        premises_note="区国资委 汉丰路1号",
    )
    assert profile.investor_uscc == GOOD_USCC and profile.updated_by == hc_admin
    again = profile_save(institution=institution, by=hc_admin, investor_name="", investor_uscc="")
    assert again.pk == profile.pk and SubsidyProfile.objects.count() == 1
    assert not again.state_premises and again.rent_free_from is None
    assert {e.actor_id for e in LogEntry.objects.get_for_object(again)} == {hc_admin.pk}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"investor_name": "某公司", "investor_uscc": BAD_USCC}, "investor_uscc"),
        ({"investor_uscc": GOOD_USCC}, "investor_name"),
        ({"state_premises": True}, "rent_free_from"),
        ({"rent_free_from": date(2024, 1, 1)}, "rent_free_from"),
        ({"state_premises": True, "rent_free_from": date(1990, 1, 1)}, "rent_free_from"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(institution, hc_admin, fields, field):
    with pytest.raises(ValidationError) as caught:
        profile_save(institution=institution, by=hc_admin, **fields)
    assert field in caught.value.message_dict
    assert not SubsidyProfile.objects.exists()


def test_the_page_saves_and_shows_the_rent_free_years(client, hc_admin, institution, rules_2024):
    client.force_login(hc_admin)
    url = f"/subsidies/profiles/{institution.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "investor_name": "开州投资有限公司",
            "investor_uscc": GOOD_USCC,
            "state_premises": "on",
            "rent_free_from": "2024-03-01",
            "premises_note": "",
        },
    )
    assert response.status_code == 302
    assert SubsidyProfile.objects.get(institution=institution).rent_free_from == date(2024, 3, 1)
    assert b'data-until="2027-02-28"' in client.get(url).content


def test_the_page_shows_the_message_and_saves_nothing(client, hc_admin, institution):
    client.force_login(hc_admin)
    url = f"/subsidies/profiles/{institution.pk}/"
    response = client.post(
        url, {"investor_name": "某公司", "investor_uscc": BAD_USCC, "state_premises": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"investor_uscc", "rent_free_from"}
    assert not SubsidyProfile.objects.exists()
    assert client.get("/subsidies/profiles/999999/").status_code == 404


def test_other_officials_read_but_may_not_edit(client, street_officer, institution):
    client.force_login(street_officer)
    url = f"/subsidies/profiles/{institution.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="profile-form"' not in page.content
    assert client.post(url, {"investor_name": "x"}).status_code == 403
    assert not SubsidyProfile.objects.exists()


@pytest.mark.parametrize("person", ["operator", "family"])
def test_operators_and_families_may_not_see_it(client, request, person, institution):
    client.force_login(request.getfixturevalue(person))
    assert client.get(f"/subsidies/profiles/{institution.pk}/").status_code == 403
