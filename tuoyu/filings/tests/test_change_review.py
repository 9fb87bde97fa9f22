"""A change filing (变更) against the register: the reviewer's old → new table, the one rule for required
materials that the pages and the services share, and the public notice that says what changed."""

import copy
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tuoyu.filings import services
from tuoyu.filings.models import FilingStatus, MaterialKind, Notice, NoticeKind
from tuoyu.filings.requirements import MATERIAL_RULES
from tuoyu.filings.selectors import ADDED, CHANGED, REMOVED, change_against_register, diff_filing_data
from tuoyu.filings.tests.conftest import complete_data, make_pdf, new_uscc
from tuoyu.institutions.models import Institution

# --- the diff, directly ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def district(kaizhou):
    """The form's street-or-town choices come from the district."""


def _register_and_change():
    old = complete_data(new_uscc(1))
    return old, copy.deepcopy(old)


def test_nothing_changed_is_an_empty_diff_even_when_typed_differently():
    old, new = _register_and_change()
    new["institution"]["opens_at"] = "7:30"  # the register says 07:30
    new["fees"][0]["amount"] = "1500.00"  # the register says 1500
    new["institution"]["lat"] = "31.1760"
    diff = diff_filing_data(old, new)
    assert not diff.changed
    assert (diff.fields, diff.rows, diff.staff, diff.topics) == ([], [], [], [])
    assert diff.unchanged, "the unchanged part is still there, to fold away"


def test_a_changed_fee_is_one_row_old_to_new():
    old, new = _register_and_change()
    old["fees"][0]["amount"] = "1500.00"  # as the register gives it (data_from_institution)
    new["fees"][0]["amount"] = "1800"
    diff = diff_filing_data(old, new)
    assert [(r.change, r.key) for r in diff.rows] == [(CHANGED, "fee:full_day::month")]
    row = diff.rows[0]
    assert "1500" in row.old and "1800" in row.new and "1500" not in row.new
    assert "1500.00" not in row.old  # the register's 1500.00 reads as the typed 1800 does
    assert diff.fields == [] and diff.topics == ["fees"]


def test_an_added_class_and_a_removed_fee_are_marked():
    old, new = _register_and_change()
    old["fees"].append(
        {"service_type": "hourly", "age_group": "", "amount": "30", "period": "hour", "price_type": "market"}
    )
    new["classes"].append({"name": "乳儿一班", "age_group": "infant", "capacity": "10", "enrolled": "0"})
    diff = diff_filing_data(old, new)
    by_key = {r.key: r for r in diff.rows}
    assert by_key["class:乳儿一班"].change == ADDED and by_key["class:乳儿一班"].old == ""
    assert "10" in by_key["class:乳儿一班"].new
    assert by_key["fee:hourly::hour"].change == REMOVED and by_key["fee:hourly::hour"].new == ""
    assert "30" in by_key["fee:hourly::hour"].old
    assert len(diff.rows) == 2
    assert diff.places == (35, 45)
    assert diff.topics == ["classes", "places", "fees"]
    assert "places_up" in diff.triggers


def test_a_changed_field_and_staff_are_rows_and_the_enrolled_count_is_not_a_change():
    old, new = _register_and_change()
    new["institution"]["address"] = "汉丰街道滨湖路9号"
    new["staff"]["total"] = "10"
    new["classes"][0]["enrolled"] = "3"  # the register's own count; a change never moves it
    diff = diff_filing_data(old, new)
    assert [(f.key, f.old, f.new) for f in diff.fields] == [
        ("address", "汉丰街道滨湖路8号", "汉丰街道滨湖路9号")
    ]
    assert [(f.key, f.old, f.new) for f in diff.staff] == [("staff:total", "9", "10")]
    assert diff.rows == []
    assert diff.topics == ["address", "staff"]


# --- a filed institution and its change --------------------------------------------------------


@pytest.fixture
def filed(submitted, reviewer):
    user, filing = submitted()
    filing = services.filing_approve(filing=filing, by=reviewer)
    return user, Institution.objects.get(pk=filing.institution_id)


def _change(user, institution, mutate=None, *, pledge=True):
    change = services.filing_start_change(institution=institution, by=user)
    data = copy.deepcopy(change.data)
    if mutate:
        mutate(data)
    return services.filing_save_draft(filing=change, by=user, data=data, pledge=pledge)


def _fee_to_1800(data):
    data["fees"][0]["amount"] = "1800"


def test_change_against_register_reads_the_register_and_then_the_earlier_filing(filed, reviewer):
    user, institution = filed
    change = _change(user, institution, _fee_to_1800)
    diff = change_against_register(change)
    assert [(r.key, r.change) for r in diff.rows] == [("fee:full_day::month", CHANGED)]
    services.filing_submit(filing=change, by=user)  # a fee alone needs no material
    services.filing_approve(filing=change, by=reviewer)
    change.refresh_from_db()
    assert str(Institution.objects.get(pk=institution.pk).fees.get().amount) == "1800.00"
    # Decided, the register holds the change: the table still shows what it changed.
    after = change_against_register(change)
    assert [(r.key, r.change) for r in after.rows] == [("fee:full_day::month", CHANGED)]


def test_an_unchanged_change_cannot_be_submitted(filed):
    user, institution = filed
    change = _change(user, institution)
    assert change_against_register(change).changed is False
    with pytest.raises(ValidationError) as refused:
        services.filing_submit(filing=change, by=user)
    assert len(refused.value.messages) == 1
    change.refresh_from_db()
    assert change.status == FilingStatus.DRAFT


# --- one rule for materials: the pages list what the services check ------------------------------

# How a test changes each thing a rule names (requirements.MATERIAL_RULES' change_when).
MUTATIONS = {
    "name": lambda d: d["institution"].update(name="阳光托育园（更名）"),
    "type": lambda d: d["institution"].update(type="community"),
    "ownership": lambda d: d["institution"].update(ownership="private_public_aid"),
    "registration_body": lambda d: d["institution"].update(registration_body="social_organisation"),
    "uscc": lambda d: d["institution"].update(uscc=new_uscc(990)),
    "legal_representative": lambda d: d["institution"].update(legal_representative="李华"),
    "unit": lambda d: d["institution"].update(unit="500154002"),
    "address": lambda d: d["institution"].update(address="汉丰街道滨湖路99号"),
    "staff": lambda d: d["staff"].update(total="10"),
    "places_up": lambda d: d["classes"].append(
        {"name": "乳儿一班", "age_group": "infant", "capacity": "10", "enrolled": "0"}
    ),
    "serves_meals": lambda d: d["institution"].update(serves_meals="on"),
}
NEEDED = re.compile(r'data-testid="needed" data-kinds="([^"]*)" data-present="(yes|no)"')


def _listed(client, url) -> dict[str, str]:
    """The page's list: the rule's kinds → "yes"/"no" (uploaded or not)."""
    response = client.get(url)
    assert response.status_code == 200
    return dict(NEEDED.findall(response.content.decode()))


def _refused_for(filing) -> set[str]:
    """The rules whose material the service says is missing."""
    messages = services.material_messages(filing)
    return {" ".join(rule.kinds) for rule in MATERIAL_RULES if any(rule.name in m for m in messages)}


def _upload(filing, user, kind):
    extra = {}
    if kind == MaterialKind.HYGIENE_REPORT:
        extra["hygiene_passed"] = True
    if kind == MaterialKind.PREMISES_LEASE:
        extra.update(lease_start=date.today(), lease_end=date.today() + timedelta(days=4 * 366))
    services.filing_add_material(filing=filing, by=user, kind=kind, upload=make_pdf(f"{kind}.pdf"), **extra)


def test_every_trigger_of_the_rule_has_a_test_mutation():
    triggers = set().union(*(rule.change_when for rule in MATERIAL_RULES))
    assert triggers == set(MUTATIONS)


def test_a_new_filing_needs_every_rule_and_the_pages_list_what_the_service_refuses(
    applicant_and_filing, client, reviewer
):
    user, filing = applicant_and_filing(complete=False)
    data = complete_data(filing.data["institution"]["uscc"])
    data["institution"]["serves_meals"] = "on"
    filing = services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    every = {" ".join(rule.kinds) for rule in MATERIAL_RULES}
    client.force_login(user)
    assert _listed(client, f"/filings/{filing.pk}/materials/") == dict.fromkeys(every, "no")
    assert _refused_for(filing) == every
    client.force_login(reviewer)
    assert _listed(client, f"/filings/review/{filing.pk}/") == dict.fromkeys(every, "no")
    with pytest.raises(ValidationError):
        services.filing_submit(filing=filing, by=user)
    for rule in MATERIAL_RULES:
        _upload(filing, user, rule.kinds[-1])  # the last kind: the lease, for the premises
    assert _refused_for(filing) == set()
    assert _listed(client, f"/filings/review/{filing.pk}/") == dict.fromkeys(every, "yes")
    assert services.filing_submit(filing=filing, by=user).status == FilingStatus.SUBMITTED


@pytest.mark.parametrize("trigger", sorted(MUTATIONS))
def test_a_change_needs_the_materials_for_what_it_changes_on_the_page_and_in_the_service(
    trigger, filed, client, reviewer
):
    user, institution = filed
    change = _change(user, institution, MUTATIONS[trigger])
    expected = {" ".join(rule.kinds) for rule in MATERIAL_RULES if trigger in rule.change_when}
    client.force_login(user)
    operator_page = _listed(client, f"/filings/{change.pk}/materials/")
    client.force_login(reviewer)
    reviewer_page = _listed(client, f"/filings/review/{change.pk}/")
    assert operator_page == reviewer_page == dict.fromkeys(expected, "no")
    assert _refused_for(change) == expected
    with pytest.raises(ValidationError):
        services.filing_submit(filing=change, by=user)
    for kinds in expected:
        _upload(change, user, kinds.split()[0])
    assert _refused_for(change) == set()
    assert _listed(client, f"/filings/review/{change.pk}/") == dict.fromkeys(expected, "yes")


def test_a_fee_change_needs_no_material_and_says_so(filed, client):
    user, institution = filed
    change = _change(user, institution, _fee_to_1800)
    client.force_login(user)
    page = client.get(f"/filings/{change.pk}/materials/").content.decode()
    assert 'data-testid="needed-none"' in page and 'data-testid="needed"' not in page
    assert services.material_messages(change) == []


def test_approval_refuses_a_change_that_lacks_its_materials_and_changes_nothing(filed, reviewer):
    """The bug: a change was filed without the materials the page asked for. A change submitted
    before the rule applied to it still meets the rule at approval."""
    user, institution = filed
    change = _change(user, institution, MUTATIONS["address"])
    for kind in (MaterialKind.PREMISES_OWN, MaterialKind.HYGIENE_REPORT, MaterialKind.FIRE_SAFETY):
        _upload(change, user, kind)
    change = services.filing_submit(filing=change, by=user)
    change.materials.filter(kind=MaterialKind.FIRE_SAFETY).delete()  # as if submitted without it
    notices = Notice.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.filing_approve(filing=change, by=reviewer)
    assert {e.code for e in refused.value.error_list} == {"incomplete"}
    assert [m for m in refused.value.messages if str(MaterialKind.FIRE_SAFETY.label) in m]
    change.refresh_from_db()
    institution.refresh_from_db()
    assert change.status == FilingStatus.SUBMITTED and not change.receipt_code
    assert institution.address == "汉丰街道滨湖路8号"
    assert Notice.objects.count() == notices


# --- the reviewer's page ----------------------------------------------------------------------------


def _rows(page: str) -> dict[str, tuple[str, str]]:
    """data-key → (the change, the row's text) of the change table."""
    found = {}
    for match in re.finditer(
        r'<tr data-testid="change-row" data-key="([^"]*)" data-change="([^"]*)">(.*?)</tr>', page, re.S
    ):
        found[match.group(1)] = (match.group(2), re.sub(r"<[^>]+>|\s+", " ", match.group(3)))
    return found


def test_the_reviewer_sees_only_what_changed_old_to_new(filed, client, reviewer):
    user, institution = filed

    def mutate(data):
        _fee_to_1800(data)
        MUTATIONS["places_up"](data)

    change = _change(user, institution, mutate)
    client.force_login(reviewer)
    page = client.get(f"/filings/review/{change.pk}/").content.decode()
    rows = _rows(page)
    assert set(rows) == {"fee:full_day::month", "class:乳儿一班"}
    fee_change, fee_text = rows["fee:full_day::month"]
    assert fee_change == "changed" and fee_text.index("1500") < fee_text.index("1800")
    assert rows["class:乳儿一班"][0] == "added"
    assert 'data-testid="change-unchanged"' in page  # the rest, folded in a <details>
    assert 'data-testid="review-data"' not in page  # not the whole form again


def test_the_applicant_line_shows_only_what_exists(filed, client, reviewer):
    user, institution = filed
    change = _change(user, institution, _fee_to_1800)
    client.force_login(reviewer)
    line = re.compile(r'<dd data-testid="applicant">(.*?)</dd>', re.S)
    page = client.get(f"/filings/review/{change.pk}/").content.decode()
    assert line.search(page).group(1) == f"{user.display_name} ({user.masked_phone})"
    user.phone = ""
    user.save(update_fields=["phone"])
    page = client.get(f"/filings/review/{change.pk}/").content.decode()
    assert line.search(page).group(1) == user.display_name
    user.display_name = ""
    user.save(update_fields=["display_name"])
    page = client.get(f"/filings/review/{change.pk}/").content.decode()
    assert line.search(page).group(1) == user.username
    assert "()" not in page


def test_every_scrolling_table_on_the_review_pages_takes_the_keyboard(
    filed, applicant_and_filing, client, reviewer
):
    user, institution = filed
    change = _change(user, institution, _fee_to_1800)
    _user, initial = applicant_and_filing()
    client.force_login(reviewer)
    for url in (f"/filings/review/{change.pk}/", f"/filings/review/{initial.pk}/"):
        page = client.get(url).content.decode()
        wrappers = re.findall(r'<div class="table-scroll"[^>]*>', page)
        assert wrappers, url
        for wrapper in wrappers:
            assert 'tabindex="0"' in wrapper and 'role="region"' in wrapper and "aria-label" in wrapper, (
                wrapper
            )


# --- the public notice -------------------------------------------------------------------------


def test_a_change_notice_links_the_institution_and_says_what_changed(filed, client, reviewer):
    user, institution = filed

    def mutate(data):
        _fee_to_1800(data)
        data["classes"][0]["capacity"] = "12"  # fewer places: no material needed

    change = _change(user, institution, mutate)
    services.filing_submit(filing=change, by=user)
    services.filing_approve(filing=change, by=reviewer)
    notice = Notice.objects.get(kind=NoticeKind.CHANGED)
    assert notice.changes == ["places", "fees"]
    client.logout()
    page = client.get("/filings/notices/").content.decode()
    links = re.findall(r'<a href="([^"]*)" data-testid="notice-institution">', page)
    assert links == [f"/institutions/{institution.pk}/"] * 2  # the filing and the change
    said = re.search(r'data-testid="notice-changes">(.*?)</span>', page).group(1)
    from tuoyu.filings.selectors import topic_labels

    for label in topic_labels(["places", "fees"]):
        assert label in said
    # Off the register, the name is no longer a link.
    dereg = services.filing_start_deregistration(institution=institution, by=user, reason="停办")
    services.filing_submit(filing=dereg, by=user)
    services.filing_approve(filing=dereg, by=reviewer)
    page = client.get("/filings/notices/").content.decode()
    assert 'data-testid="notice-institution"' not in page
