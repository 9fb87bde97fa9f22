from django.urls import path

from . import views, views_otp

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/phone/", views.phone_login, name="phone_login"),
    path("logout/", views.logout, name="logout"),
    path("me/", views.me, name="me"),
    path("otp/setup/", views_otp.otp_setup, name="otp_setup"),
    path("otp/verify/", views_otp.otp_verify, name="otp_verify"),
]
