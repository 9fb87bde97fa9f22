"""What every browser test shares: the network kept to this machine, and a record of what a page did
that a step's assertions cannot see (JavaScript errors, console errors, failed responses)."""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost"}  # the live server; everything else is aborted
# data:, blob: and the browser's own PDF viewer (chrome-extension://, chrome://) are not the network.
LOCAL_SCHEMES = {"data", "blob", "chrome-extension", "chrome"}


@dataclass
class Watch:
    blocked: list[str] = field(default_factory=list)  # off-machine requests we aborted (map tiles)
    page_errors: list[str] = field(default_factory=list)  # uncaught JavaScript exceptions
    console_errors: list[str] = field(default_factory=list)  # e.g. CSP violations
    bad_responses: list[str] = field(default_factory=list)  # 4xx/5xx from the live server

    def keep_local(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url.hostname or route.request.url)
            route.abort()

    def observe(self, page) -> None:
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

        def on_console(message):
            # Aborted tiles log "Failed to load resource"; real failures are caught by on_response.
            if message.type == "error" and "Failed to load resource" not in message.text:
                self.console_errors.append(message.text)

        def on_response(response):
            url = urlparse(response.url)
            if url.hostname in LOCAL_HOSTS and response.status >= 400:
                self.bad_responses.append(f"{response.status} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)


# A mid-range Android phone, as the families and grandparents who use the site hold it, and an
# official's office screen.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def open_context(chromium, size: dict, watch: Watch):
    """A fresh browser profile (no cookies) in Chinese and Beijing time, kept to this machine."""
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **size)
    context.route("**/*", watch.keep_local)
    page = context.new_page()
    page.set_default_timeout(20_000)
    watch.observe(page)
    return context, page


def screenshot(page, path: Path, *, full_page: bool = True) -> None:
    """A screenshot once the web fonts have loaded, so Chinese text is drawn, not boxes."""
    page.evaluate("() => document.fonts.ready")
    page.screenshot(path=str(path), full_page=full_page)


def path_of(page) -> str:
    return urlparse(page.url).path


def sign_in_with_password(page, base: str, username: str, password: str) -> None:
    """The password sign-in form; for government staff then the code from their authenticator app, as
    they would type it: the account gets a TOTP device first (as at hand-over) and the code is computed
    from its key (django_otp.oath.totp), never skipped."""
    from django.contrib.auth import get_user_model

    from tuoyu.core.security import needs_second_factor
    from tuoyu.core.testing import confirmed_totp_device, totp_code

    user = get_user_model().objects.get(username=username)
    staff = needs_second_factor(user)
    if staff:
        confirmed_totp_device(user)
    page.goto(f"{base}/accounts/login/", wait_until="load")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation(wait_until="load"):
        page.click("main form button[type=submit]")
    if staff:
        assert path_of(page) == "/accounts/otp/verify/", "the password did not lead to the code page"
        page.fill("#id_code", totp_code(user))
        with page.expect_navigation(wait_until="load"):
            page.click("main form button[type=submit]")
