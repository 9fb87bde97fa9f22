from django.urls import path

from . import views_family, views_government

app_name = "workspace"

urlpatterns = [
    # 我的办件: everything a family started, across services.
    path("mine/", views_family.mine, name="mine"),
    # An official's workspace: what waits for them, counts for their area, a map.
    path("workspace/", views_government.home, name="home"),
    path("workspace/counts.xlsx", views_government.counts_export, name="counts_export"),
]
