"""Every transition of the filing workflow, allowed and refused, and the rules around them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.core.models import OutboxMessage
from tuoyu.filings import services
from tuoyu.filings.models import (
    Filing,
    FilingEvent,
    FilingKind,
    FilingStatus,
    MaterialKind,
    Notice,
    ReviewComment,
)
from tuoyu.filings.tests.conftest import make_pdf, new_uscc
from tuoyu.filings.workflow import WORKFLOW
from tuoyu.institutions.models import Institution, InstitutionStatus

pytestmark = pytest.mark.django_db


def _to(filing, status, *, user, reviewer):
    """Drive `filing` into `status` through the services (the only way a status changes)."""
    if status == FilingStatus.DRAFT:
        return filing
    if status == FilingStatus.WITHDRAWN:
        return services.filing_withdraw(filing=filing, by=user)
    filing = services.filing_submit(filing=filing, by=user)
    if status == FilingStatus.SUBMITTED:
        return filing
    if status == FilingStatus.RETURNED:
        return services.filing_return(filing=filing, by=reviewer, comments={"fire": "请补充"})
    if status == FilingStatus.APPROVED:
        return services.filing_approve(filing=filing, by=reviewer)
    if status == FilingStatus.NONCOMPLIANT:
        return services.filing_find_noncompliant(filing=filing, by=reviewer, reasons="场地不符合要求")
    raise AssertionError(status)


ACTIONS = {
    FilingStatus.SUBMITTED: lambda f, u, r: services.filing_submit(filing=f, by=u),
    FilingStatus.RETURNED: lambda f, u, r: services.filing_return(
        filing=f, by=r, comments={"licence": "模糊"}
    ),
    FilingStatus.APPROVED: lambda f, u, r: services.filing_approve(filing=f, by=r),
    FilingStatus.NONCOMPLIANT: lambda f, u, r: services.filing_find_noncompliant(
        filing=f, by=r, reasons="不符合"
    ),
    FilingStatus.WITHDRAWN: lambda f, u, r: services.filing_withdraw(filing=f, by=u),
}


@pytest.mark.parametrize("start", list(FilingStatus.values))
@pytest.mark.parametrize("target", list(ACTIONS))
def test_every_transition_is_allowed_or_refused_by_the_one_table(
    applicant_and_filing, reviewer, start, target
):
    user, filing = applicant_and_filing()
    filing = _to(filing, start, user=user, reviewer=reviewer)
    events_before = FilingEvent.objects.filter(filing=filing).count()
    if WORKFLOW.can(start, target):
        result = ACTIONS[target](filing, user, reviewer)
        assert result.status == target
        event = FilingEvent.objects.filter(filing=filing).last()
        assert (event.from_status, event.to_status) == (start, target)
    else:
        with pytest.raises(ValidationError) as refused:
            ACTIONS[target](filing, user, reviewer)
        assert refused.value.code == "transition"
        filing.refresh_from_db()
        assert filing.status == start
        assert FilingEvent.objects.filter(filing=filing).count() == events_before


def test_submit_counts_five_and_fifteen_working_days(submitted, settings):
    from tuoyu.core.workdays import add_workdays

    _user, filing = submitted()
    today = filing.submitted_at.astimezone().date()
    from django.utils import timezone

    today = timezone.localdate(filing.submitted_at)
    assert filing.due_on == add_workdays(today, 5)
    assert filing.check_due_on == add_workdays(today, 15)


def test_an_incomplete_application_says_exactly_what_is_missing(applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(filing=filing, by=user)
    text = " ".join(exc.value.messages)
    assert filing.data["institution"]["name"]  # what registration filled in stays
    for expected in (MaterialKind.BUSINESS_LICENCE.label, MaterialKind.FIRE_SAFETY.label):
        assert str(expected) in text
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT and filing.version == 0


def test_a_missing_food_licence_stops_an_institution_that_serves_meals(applicant_and_filing):
    user, filing = applicant_and_filing()
    data = filing.data
    data["institution"]["serves_meals"] = "on"
    services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(filing=filing, by=user)
    assert str(MaterialKind.FOOD_LICENCE.label) in " ".join(exc.value.messages)
    services.filing_add_material(filing=filing, by=user, kind=MaterialKind.FOOD_LICENCE, upload=make_pdf())
    assert services.filing_submit(filing=filing, by=user).status == FilingStatus.SUBMITTED


def test_an_oversized_class_in_the_form_stops_submission(applicant_and_filing):
    user, filing = applicant_and_filing()
    data = filing.data
    data["classes"][0]["capacity"] = "16"  # 托小班 limit is 15
    services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(filing=filing, by=user)
    assert "15" in " ".join(exc.value.messages)


def test_approval_files_the_institution_with_a_sequential_number(submitted, reviewer):
    _u1, first = submitted(name="甲托育园")
    _u2, second = submitted(name="乙托育园")
    first = services.filing_approve(filing=first, by=reviewer)
    second = services.filing_approve(filing=second, by=reviewer)
    year = date.today().year
    assert first.filing_number == f"开州托备〔{year}〕0001"
    assert second.filing_number == f"开州托备〔{year}〕0002"
    assert Institution.objects.filter(status=InstitutionStatus.FILED).count() == 2
    assert Notice.objects.filter(kind="filed").count() == 2


def test_the_applicant_gets_a_message_at_each_step(submitted, reviewer, django_capture_on_commit_callbacks):
    user, filing = submitted()

    def bodies():
        return list(
            OutboxMessage.objects.filter(recipient=user.phone).order_by("id").values_list("body", flat=True)
        )

    assert len(bodies()) == 1  # received, with the decision date
    with django_capture_on_commit_callbacks(execute=True):
        filing = services.filing_return(
            filing=filing, by=reviewer, comments={"licence": "请上传清晰的营业执照"}
        )
    assert len(bodies()) == 2
    assert ReviewComment.objects.get().text == "请上传清晰的营业执照"
    filing = services.filing_submit(filing=filing, by=user)
    services.filing_approve(filing=filing, by=reviewer)
    messages = bodies()
    assert len(messages) == 4 and Filing.objects.get().filing_number in messages[-1]


def test_a_return_without_any_comment_is_refused(submitted, reviewer):
    _user, filing = submitted()
    with pytest.raises(ValidationError):
        services.filing_return(filing=filing, by=reviewer, comments={"licence": "  "})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_only_the_health_commission_decides(submitted, operator, inspector):
    user, filing = submitted()
    for person in (user, operator, inspector):
        with pytest.raises(PermissionDenied):
            services.filing_approve(filing=filing, by=person)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_another_operator_cannot_touch_someone_elses_application(applicant_and_filing, other_operator):
    _user, filing = applicant_and_filing()
    with pytest.raises(PermissionDenied):
        services.filing_save_draft(filing=filing, by=other_operator, data={})
    with pytest.raises(PermissionDenied):
        services.filing_submit(filing=filing, by=other_operator)
    with pytest.raises(PermissionDenied):
        services.filing_add_material(filing=filing, by=other_operator, kind="licence", upload=make_pdf())


def test_noncompliance_after_filing_suspends_and_is_published(submitted, reviewer, client):
    _user, filing = submitted()
    filing = services.filing_approve(filing=filing, by=reviewer)
    services.filing_find_noncompliant(filing=filing, by=reviewer, reasons="消防通道被占用，不符合备案要求")
    institution = Institution.objects.get()
    assert institution.status == InstitutionStatus.SUSPENDED
    page = client.get(f"/institutions/{institution.pk}/")  # the suspension notice (issue 12), not the page
    assert page.status_code == 200 and 'data-testid="suspended-notice"' in page.content.decode()
    assert "消防通道被占用" in client.get("/filings/notices/").content.decode()
    assert list(Notice.objects.values_list("kind", flat=True).order_by("id")) == ["filed", "noncompliant"]


# --- registration and materials: bad input changes nothing ---------------------------------------


def _register(**overrides):
    values = {
        "uscc": new_uscc(900),
        "registration_body": "enterprise",
        "name": "某托育园",
        "legal_representative": "李静",
        "phone": "13912345678",
        "password": "a-long-secret-passphrase",
    }
    values.update(overrides)
    return services.operator_register(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": new_uscc(901)[:-1] + ("0" if new_uscc(901)[-1] != "0" else "1")}, "uscc"),
        ({"registration_body": "social_organisation"}, "registration_body"),
        ({"phone": "12345"}, "phone"),
        ({"password": "123"}, "password"),
    ],
)
def test_registration_refuses_bad_input_and_creates_nothing(kaizhou, overrides, field):
    from tuoyu.accounts.models import User

    with pytest.raises(ValidationError) as exc:
        _register(**overrides)
    assert field in exc.value.message_dict
    assert User.objects.count() == 0 and Filing.objects.count() == 0


def test_a_credit_code_cannot_register_twice(kaizhou):
    _register()
    with pytest.raises(ValidationError) as exc:
        _register(phone="13912345679")
    assert "uscc" in exc.value.message_dict


def test_a_lease_shorter_than_three_years_is_refused(applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    today = date.today()
    with pytest.raises(ValidationError) as exc:
        services.filing_add_material(
            filing=filing,
            by=user,
            kind=MaterialKind.PREMISES_LEASE,
            upload=make_pdf(),
            lease_start=today,
            lease_end=today + timedelta(days=3 * 365 - 5),
        )
    assert "lease_end" in exc.value.message_dict
    assert filing.materials.count() == 0


def test_a_hygiene_report_not_rated_pass_is_refused(applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    with pytest.raises(ValidationError):
        services.filing_add_material(
            filing=filing, by=user, kind=MaterialKind.HYGIENE_REPORT, upload=make_pdf()
        )
    assert filing.materials.count() == 0


def test_an_executable_renamed_pdf_is_refused(applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    fake = SimpleUploadedFile("licence.pdf", b"\x7fELF" + b"\x00" * 500, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.filing_add_material(filing=filing, by=user, kind=MaterialKind.BUSINESS_LICENCE, upload=fake)
    assert exc.value.code == "file_type" or "file_type" in str(exc.value.error_list[0].code)
    assert filing.materials.count() == 0


class _Huge:
    """A 50 MB upload that must be refused by its size alone, never read."""

    name = "big.pdf"
    size = 50 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("the file was read")

    def seek(self, *args):
        raise AssertionError("the file was read")

    def chunks(self, *args):
        raise AssertionError("the file was read")


def test_a_fifty_megabyte_file_is_refused_without_reading_it(applicant_and_filing):
    user, filing = applicant_and_filing(complete=False)
    with pytest.raises(ValidationError):
        services.filing_add_material(
            filing=filing, by=user, kind=MaterialKind.BUSINESS_LICENCE, upload=_Huge()
        )
    assert filing.materials.count() == 0


def test_a_newer_upload_supersedes_the_old_one_of_the_same_kind(applicant_and_filing):
    user, filing = applicant_and_filing()
    services.filing_add_material(
        filing=filing, by=user, kind=MaterialKind.FIRE_SAFETY, upload=make_pdf("fire-2.pdf")
    )
    current = services.current_materials(filing)[MaterialKind.FIRE_SAFETY]
    assert current.original_name == "fire-2.pdf"
    assert filing.materials.filter(kind=MaterialKind.FIRE_SAFETY, superseded=True).count() == 1


def test_a_submitted_application_cannot_be_edited(submitted):
    user, filing = submitted()
    with pytest.raises(ValidationError):
        services.filing_save_draft(filing=filing, by=user, data={})
    with pytest.raises(ValidationError):
        services.filing_add_material(filing=filing, by=user, kind="other", upload=make_pdf())


# --- changes, deregistration and the receipt ------------------------------------------------------


def _filed(submitted, reviewer):
    user, filing = submitted()
    filing = services.filing_approve(filing=filing, by=reviewer)
    return user, filing, Institution.objects.get(pk=filing.institution_id)


def test_a_change_shows_the_filed_data_until_it_is_approved(submitted, reviewer, client):
    user, filing, institution = _filed(submitted, reviewer)
    change = services.filing_start_change(institution=institution, by=user)
    assert change.kind == FilingKind.CHANGE and change.data["institution"]["name"] == institution.name
    data = change.data
    data["institution"]["name"] = "阳光托育园（新址）"
    data["classes"].append({"name": "乳儿一班", "age_group": "infant", "capacity": "10", "enrolled": "0"})
    services.filing_save_draft(filing=change, by=user, data=data, pledge=True)
    # A new name needs the new licence, more places the fire safety proof (requirements.py).
    for kind in (MaterialKind.BUSINESS_LICENCE, MaterialKind.FIRE_SAFETY):
        services.filing_add_material(filing=change, by=user, kind=kind, upload=make_pdf(f"{kind}.pdf"))
    services.filing_submit(filing=change, by=user)
    page = client.get(f"/institutions/{institution.pk}/").content.decode()
    assert institution.name in page and "新址" not in page
    code_before = filing.receipt_code
    services.filing_approve(filing=change, by=reviewer)
    institution.refresh_from_db()
    assert institution.name == "阳光托育园（新址）" and institution.capacity_total == 45
    assert institution.filing_number == filing.filing_number
    # The old receipt no longer verifies; the new one does.
    assert services.receipt_verify(code_before)[0] == "changed"
    change.refresh_from_db()
    assert services.receipt_verify(change.receipt_code)[0] == "valid"


def test_a_change_cannot_remove_a_class_that_still_has_children(submitted, reviewer):
    user, _filing, institution = _filed(submitted, reviewer)
    change = services.filing_start_change(institution=institution, by=user)
    data = change.data
    data["classes"] = [row for row in data["classes"] if row["name"] != "托小一班"]
    services.filing_save_draft(filing=change, by=user, data=data, pledge=True)
    services.filing_submit(filing=change, by=user)
    with pytest.raises(ValidationError):
        services.filing_approve(filing=change, by=reviewer)
    change.refresh_from_db()
    assert change.status == FilingStatus.SUBMITTED
    assert institution.classes.filter(name="托小一班").exists()


def test_only_one_application_at_a_time_per_institution(submitted, reviewer):
    user, _filing, institution = _filed(submitted, reviewer)
    services.filing_start_change(institution=institution, by=user)
    with pytest.raises(ValidationError):
        services.filing_start_deregistration(institution=institution, by=user, reason="停办")


def test_a_stranger_cannot_start_a_change(submitted, reviewer, other_operator):
    _user, _filing, institution = _filed(submitted, reviewer)
    with pytest.raises(PermissionDenied):
        services.filing_start_change(institution=institution, by=other_operator)


def test_deregistration_removes_the_institution_and_its_receipt_fails(submitted, reviewer, client):
    user, filing, institution = _filed(submitted, reviewer)
    assert services.receipt_verify(filing.receipt_code)[0] == "valid"
    dereg = services.filing_start_deregistration(
        institution=institution, by=user, reason="租约到期，停止办托"
    )
    services.filing_submit(filing=dereg, by=user)
    services.filing_approve(filing=dereg, by=reviewer)
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.DEREGISTERED
    assert institution.name not in client.get("/institutions/").content.decode()
    assert client.get(f"/institutions/{institution.pk}/").status_code == 410
    assert services.receipt_verify(filing.receipt_code)[0] == "deregistered"
    response = client.get(f"/filings/verify/{filing.receipt_code}/")
    assert response.status_code == 410 and 'data-result="deregistered"' in response.content.decode()
    assert Notice.objects.filter(kind="deregistered").exists()


def test_an_unknown_receipt_code_says_so(client, kaizhou):
    response = client.get("/filings/verify/NOSUCHCODE/")
    assert response.status_code == 404 and 'data-result="unknown"' in response.content.decode()


def test_an_imported_unfiled_institution_is_filed_online_as_the_same_record(kaizhou, reviewer):
    """§8 推进存量机构备案: the officials import the operators they know of; each then files online."""
    from tuoyu.filings.tests.conftest import complete_data, upload_all
    from tuoyu.institutions.services import ClassSpec, FeeSpec, institution_create

    code = new_uscc(950)
    legacy = institution_create(
        fields={
            "name": "存量托育点",
            "type": "childcare",
            "ownership": "private",
            "registration_body": "enterprise",
            "uscc": code,
            "unit": kaizhou.children.get(name="汉丰街道"),
            "address": "老街1号",
            "lat": 31.17,
            "lng": 108.39,
            "offers_full_day": True,
        },
        classes=[ClassSpec("托小一班", "toddler", 15, 12)],
        fees=[FeeSpec("full_day", 1000, "market")],
    )
    user, filing = services.operator_register(
        uscc=code,
        registration_body="enterprise",
        name="存量托育点",
        legal_representative="王芳",
        phone="13911112222",
        password="a-long-secret-passphrase",
    )
    assert filing.institution_id == legacy.pk and filing.data["institution"]["address"] == "老街1号"
    data = complete_data(code, "存量托育点")
    services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    upload_all(filing, user)
    filing = services.filing_submit(filing=filing, by=user)
    services.filing_approve(filing=filing, by=reviewer)
    assert Institution.objects.filter(uscc=code).count() == 1
    legacy.refresh_from_db()
    assert legacy.status == InstitutionStatus.FILED and legacy.filing_number
    assert legacy.memberships.filter(user=user).exists()
    # A second person cannot claim it any more.
    with pytest.raises(ValidationError):
        services.operator_register(
            uscc=code,
            registration_body="enterprise",
            name="x",
            legal_representative="x",
            phone="13911113333",
            password="a-long-secret-passphrase",
        )


def test_the_demo_gives_the_reviewer_a_queue_to_work(kaizhou):
    from django.core.management import call_command

    from tuoyu.filings.demo import seed_filings
    from tuoyu.institutions.demo import seed_personas

    seed_personas()
    assert seed_filings() == 5
    statuses = sorted(Filing.objects.values_list("status", flat=True))
    assert statuses == ["approved", "draft", "returned", "submitted", "submitted"]
    assert Notice.objects.count() == 1
    assert all(name.startswith("示例") for name in Notice.objects.values_list("institution_name", flat=True))
    call_command("seed_filings_demo")  # runs once
    assert Filing.objects.count() == 5
