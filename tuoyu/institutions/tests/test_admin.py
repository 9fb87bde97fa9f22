"""The admin shows the register but cannot write it: classes, fees and totals change only through
institutions.services, so the totals the public sees never drift from the classes."""

import pytest
from django.db.models import Sum

from tuoyu.institutions.models import ClassGroup, Fee, Institution, InstitutionEvent

pytestmark = pytest.mark.django_db


def _totals_hold(institution):
    institution.refresh_from_db()
    capacity = ClassGroup.objects.filter(institution=institution).aggregate(c=Sum("capacity"))["c"]
    return institution.capacity_total == capacity


def test_an_admin_post_cannot_change_classes_or_make_totals_drift(admin_client, make_institution):
    institution = make_institution()
    row = ClassGroup.objects.get(institution=institution)
    fee = Fee.objects.get(institution=institution)
    url = f"/admin/institutions/institution/{institution.pk}/change/"
    assert admin_client.get(url).status_code == 200  # shown, read-only
    prefix = "classes"  # the inline formset is named after ClassGroup.institution's related_name
    response = admin_client.post(
        url,
        {
            "name": institution.name,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(row.pk),
            f"{prefix}-0-institution": str(institution.pk),
            f"{prefix}-0-name": row.name,
            f"{prefix}-0-age_group": row.age_group,
            f"{prefix}-0-capacity": "99",
            f"{prefix}-0-enrolled": str(row.enrolled),
        },
    )
    assert response.status_code == 403
    row.refresh_from_db()
    fee.refresh_from_db()
    assert row.capacity == 15 and fee.amount == 1500
    assert _totals_hold(institution) and institution.capacity_total == 15


def test_the_admin_offers_no_add_delete_or_inline_edit(admin_client, make_institution):
    institution = make_institution()
    assert admin_client.get("/admin/institutions/institution/add/").status_code == 403
    delete = f"/admin/institutions/institution/{institution.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Institution.objects.filter(pk=institution.pk).exists()
    page = admin_client.get(f"/admin/institutions/institution/{institution.pk}/change/").content.decode()
    assert "托小一班" in page  # the classes are shown
    assert 'name="classes-0-capacity"' not in page and 'name="fees-0-amount"' not in page
    event = InstitutionEvent.objects.filter(institution=institution).first()
    assert (
        admin_client.post(f"/admin/institutions/institutionevent/{event.pk}/change/", {}).status_code == 403
    )
