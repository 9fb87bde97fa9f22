import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tuoyu.core.notifications import deliver_due

logger = logging.getLogger("tuoyu.outbox")


class Command(BaseCommand):
    help = (
        "Send the outbox's due messages (new ones and retries). With --loop this is the message worker: "
        "it polls every few seconds until SIGTERM or SIGINT. Several workers may run at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run until stopped (the worker)")
        parser.add_argument("--interval", type=float, default=3.0, help="seconds between passes with --loop")

    def handle(self, *args, loop: bool, interval: float, **options):
        if not loop:
            self.stdout.write(f"Sent {deliver_due()} message(s).")
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            # Finish the message in hand rather than leave it claimed for STALE_CLAIM minutes.
            logger.info("Outbox worker stopping (signal %s)", signum)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        logger.info("Outbox worker started, polling every %s s", interval)
        while not stop.is_set():
            # A database restart must not kill the worker: drop a broken connection, log, try again.
            close_old_connections()
            try:
                sent = deliver_due()
            except Exception:
                logger.exception("Outbox pass failed; retrying in %s s", interval)
            else:
                if sent:
                    logger.info("Sent %s message(s)", sent)
            stop.wait(interval)
        logger.info("Outbox worker stopped")
