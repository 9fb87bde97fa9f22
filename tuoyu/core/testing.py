"""Helpers for the tests of every app (imported by tests only)."""

import threading

from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client


def race(actions, *, timeout: float = 120) -> list[tuple[str, object]]:
    """Run the callables at the same instant, each in its own thread with its own database connection,
    and return ("ok", result), ("refused", ValidationError) or ("error", exception) for each, in order.

    For PostgreSQL tests of row locks ("assume every operation runs concurrently with itself"): a
    barrier releases all threads together so their transactions really overlap.
    """
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except ValidationError as exc:
            outcomes[index] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - any other error is what the test must catch
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def confirmed_totp_device(user):
    """`user`'s confirmed TOTP device, created as at hand-over if there is none yet."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def verify_second_factor(client, user) -> None:
    """Mark `client`'s session as having passed the second factor with a real, confirmed TOTP device of
    `user`, as django_otp.login does after a right code (the session key otp_device_id)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = confirmed_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def totp_code(user) -> str:
    """The current code of `user`'s confirmed TOTP device, as the authenticator app would show it."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


class StaffVerifiedClient(Client):
    """The tests' client: signing a staff member in (force_login or login) also passes the second factor
    with a real TOTP device, as the staff member's phone would. Tests of the rule itself use a plain
    django.test.Client (the `plain_client` fixture), whose staff sessions are refused."""

    def _login(self, user, backend=None):
        super()._login(user, backend)
        from tuoyu.core.security import needs_second_factor

        if needs_second_factor(user):
            verify_second_factor(self, user)
