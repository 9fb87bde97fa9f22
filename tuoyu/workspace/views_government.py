from django.shortcuts import render

from tuoyu.accounts.capabilities import GOVERNMENT
from tuoyu.core.access import role_required


@role_required(*GOVERNMENT)
def home(request):
    return render(request, "workspace/home.html", {})
