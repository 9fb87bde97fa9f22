"""The pages show the deadlines the API shows: one computation (workflow.deadline_of / check_deadline_of)."""

import pytest

from tuoyu.filings import services

pytestmark = pytest.mark.django_db


def _api(client, filing):
    return client.get(f"/api/v1/filings/{filing.pk}/").json()


@pytest.mark.parametrize("who", ["operator", "reviewer"])
def test_the_filing_pages_show_the_fifteen_day_check_deadline_the_api_shows(client, submitted, reviewer, who):
    user, filing = submitted()
    viewer = user if who == "operator" else reviewer
    client.force_login(viewer)
    body = _api(client, filing)
    assert body["check_deadline"] is not None and body["deadline"] is not None
    due = filing.check_due_on.strftime("%Y-%m-%d")
    pages = [f"/filings/{filing.pk}/"] + ([f"/filings/review/{filing.pk}/"] if who == "reviewer" else [])
    for page in pages:
        html = client.get(page).content.decode()
        assert due in html
        assert filing.due_on.strftime("%Y-%m-%d") in html


def test_a_withdrawn_filing_shows_no_deadline_on_the_page_nor_in_the_api(client, applicant_and_filing):
    user, filing = applicant_and_filing()
    services.filing_withdraw(filing=filing, by=user)
    client.force_login(user)
    body = _api(client, filing)
    assert body["deadline"] is None and body["check_deadline"] is None
    html = client.get(f"/filings/{filing.pk}/").content.decode()
    assert 'data-testid="check-deadline"' not in html
