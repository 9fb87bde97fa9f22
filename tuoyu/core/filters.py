"""Filter pieces shared by every FilterSet of the API."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

# The largest value of a 64-bit database key. django-filter's NumberFilter reads a Decimal, so "1e20" or
# a 20-digit number reached the database and overflowed it: a 500 instead of a 400.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """A whole number that fits a database key: no exponent, no fraction, nothing out of range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filters by a key (`institution`, `child` …); every integer filter of the API uses it."""

    field_class = IdField
