from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/phone/", views.phone_login, name="phone_login"),
    path("logout/", views.logout, name="logout"),
    path("me/", views.me, name="me"),
]
