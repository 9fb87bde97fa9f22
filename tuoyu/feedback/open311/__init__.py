"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/): services and requests.

Hotlines and city apps file complaints and reports here, and anyone can follow them. The spec's
`service` is one of our categories; its `request` is one complaint, whose `service_request_id` is the
tracking number. Reading needs no key; filing needs an active Open311Client's api_key (`manage.py
open311_client`). What the public reads is what the statistics pages could show: the category, the
department, the dates and the answer, never the reporter, and not the reporter's own words or photos,
which only a keyed client sees; nor, for a place off the register, the address typed for it (the
public gets the street or town and a point rounded to about 100 m). Every answer under /open311/,
failures and unknown paths included, is in the spec's format; reading is open to any web page (CORS),
filing is not. docs/open311.md is the client's guide.

The package: views.py (the resources), renderers.py (JSON, XML and the error format), authentication.py
(jurisdiction and api_key) and urls.py. `include("tuoyu.feedback.open311")` finds urlpatterns here.
"""

from .authentication import jurisdiction_id, key_hash
from .renderers import Open311Error
from .urls import urlpatterns
from .views import not_found

__all__ = ["Open311Error", "jurisdiction_id", "key_hash", "not_found", "urlpatterns"]
