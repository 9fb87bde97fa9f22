"""The API's published contract: the OpenAPI schema the code generates is the one committed in
docs/api/openapi.yaml. A change to the API shows up as a diff in review; `make schema` rewrites the file
when the change is meant."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def test_the_generated_schema_is_the_committed_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))
    assert generated.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "The API schema changed. If that is meant, run `make schema` and commit docs/api/openapi.yaml."
    )
