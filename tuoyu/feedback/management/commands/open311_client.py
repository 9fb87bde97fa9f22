"""Give a system (a hotline, a city app) a key to file requests through Open311, or take it away.

manage.py open311_client create "12345 热线"   prints the new key once; only its SHA-256 is stored
manage.py open311_client revoke "12345 热线"   the key stops working at once
manage.py open311_client list
"""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from tuoyu.feedback.models import Open311Client
from tuoyu.feedback.open311 import key_hash


class Command(BaseCommand):
    help = "Create or revoke an Open311 API client; a new key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args, action, name, **options):
        name = name.strip()
        if action == "list":
            for client in Open311Client.objects.order_by("name"):
                state = "active" if client.active else "revoked"
                self.stdout.write(f"{client.name}\t{state}\t{client.created_at:%Y-%m-%d}")
            return
        if not name:
            raise CommandError("Give the client's name.")
        if action == "create":
            if len(name) > Open311Client._meta.get_field("name").max_length:
                raise CommandError("The name is too long (60 characters at most).")
            key = secrets.token_urlsafe(32)
            try:
                Open311Client.objects.create(name=name, key_hash=key_hash(key))
            except IntegrityError:
                raise CommandError(
                    f"A client named {name!r} exists already; revoke it or pick another name."
                ) from None
            self.stdout.write(f"Open311 client {name!r} created. Its api_key, shown only this once:")
            self.stdout.write(key)
            return
        updated = Open311Client.objects.filter(name=name, active=True).update(active=False)
        if not updated:
            raise CommandError(f"No active client named {name!r}.")
        self.stdout.write(f"Open311 client {name!r} revoked; its key no longer works.")
