from django.core.management.base import BaseCommand, CommandError

from tuoyu.accounts.models import User
from tuoyu.accounts.otp import DemoOnly, demo_current_code


class Command(BaseCommand):
    help = "Demo only (TUOYU_DEMO): print the current authenticator code of a demo staff account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            code = demo_current_code(user=user)
        except DemoOnly as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(code)
