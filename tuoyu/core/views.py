from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from .access import public
from .availability import DATABASE_DOWN
from .http import safe_next
from .middleware import LARGE_TEXT_COOKIE


@public
@require_GET
def healthz(request):
    """Trivial liveness endpoint; `make bench` also uses it as the baseline rate."""
    return HttpResponse("ok", content_type="text/plain")


@public
@require_GET
def readyz(request):
    """Readiness for the load balancer: can this process reach the database? /healthz stays trivial so a
    database outage does not make the orchestrator restart healthy web processes."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_DOWN:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})


@public
@require_POST
def toggle_large_text(request):
    """A form button, so it works without JavaScript; remembered for a year on this device."""
    response = HttpResponseRedirect(safe_next(request, "/"))
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response
