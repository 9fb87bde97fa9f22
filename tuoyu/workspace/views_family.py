from django.shortcuts import render

from tuoyu.accounts.capabilities import FAMILIES
from tuoyu.core.access import role_required


@role_required(*FAMILIES)
def mine(request):
    return render(request, "workspace/mine.html", {})
