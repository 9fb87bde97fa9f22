from django.conf import settings


def site(request):
    return {
        "TUOYU_DEMO": settings.TUOYU_DEMO,
        # The body that runs the site (the district's health commission), from the district's settings.
        "site_body": settings.TUOYU_ISSUER,
        "large_text": getattr(request, "large_text", False),
    }
