from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tuoyu.grading.demo import seed_grading


class Command(BaseCommand):
    help = (
        "Synthetic grading for the demo: loads the rubric, grades three demo institutions (published) and "
        "records one Chongqing demonstration unit. Idempotent; every row is example data."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            rows = seed_grading()
        if not rows:
            self.stdout.write(
                "No demo institutions or personas yet; run seed_demo first (the rubric is loaded)."
            )
            return
        self.stdout.write("Synthetic quality grades (示例; see /grading/):")
        for name, grade, total in rows:
            self.stdout.write(f"  {name}  {grade}  {total}")
