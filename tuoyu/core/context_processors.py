from django.conf import settings


def site(request):
    return {
        "TUOYU_DEMO": settings.TUOYU_DEMO,
        "large_text": getattr(request, "large_text", False),
    }
