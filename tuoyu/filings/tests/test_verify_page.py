"""The public receipt check answers any typed code with a page, never a server error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["AB/CD", "/", "ABC/../x", "a b/c"])
def test_a_typed_code_with_a_slash_says_no_receipt_has_it(client, code):
    response = client.get("/filings/verify/", {"code": code})
    assert response.status_code == 404
    assert 'data-result="unknown"' in response.content.decode()


def test_a_typed_code_without_a_slash_still_goes_to_its_own_address(client):
    response = client.get("/filings/verify/", {"code": " abc123 "})
    assert response.status_code == 302 and response["Location"] == "/filings/verify/ABC123/"
