from django.test import RequestFactory

from tuoyu.core.http import client_ip


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_address_is_the_connection_s_and_a_forged_header_is_ignored(settings):
    settings.TUOYU_TRUSTED_PROXIES = 0
    assert client_ip(_request("203.0.113.7", forwarded="1.2.3.4")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_last_forwarded_entry_not_what_the_client_wrote(settings):
    settings.TUOYU_TRUSTED_PROXIES = 1
    # The client sent "X-Forwarded-For: 1.2.3.4" itself; nginx appended the address it really saw.
    assert client_ip(_request("10.0.0.2", forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_a_request_that_skipped_the_proxies_falls_back_to_the_connection(settings):
    settings.TUOYU_TRUSTED_PROXIES = 2
    assert client_ip(_request("10.0.0.2", forwarded="203.0.113.7")) == "10.0.0.2"
