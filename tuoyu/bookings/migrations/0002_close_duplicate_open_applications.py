from django.db import migrations, models
from django.utils.translation import gettext

OPEN = ("submitted", "waitlisted", "offered")


def close_duplicates(apps, schema_editor):
    """Before the constraint, the race it closes may already have left a child with two open applications
    at one institution; the constraint could not be added over them. Keep the one that holds an offer
    (a place is promised to it), else the oldest (its place in the waitlist), and cancel the others with
    a note on the family's timeline, as the family would have done."""
    Application = apps.get_model("bookings", "Application")
    BookingEvent = apps.get_model("bookings", "BookingEvent")
    note = gettext("Closed: this child already had an open application at this institution.")
    seen = set()
    rows = (
        Application.objects.filter(status__in=OPEN)
        .order_by(
            "child_id",
            "institution_id",
            models.Case(models.When(status="offered", then=0), default=1),
            "created_at",
            "id",
        )
        .values_list("pk", "child_id", "institution_id", "status")
    )
    for pk, child_id, institution_id, status in rows:
        if (child_id, institution_id) not in seen:
            seen.add((child_id, institution_id))
            continue
        Application.objects.filter(pk=pk).update(status="cancelled")
        BookingEvent.objects.create(application_id=pk, from_status=status, to_status="cancelled", note=note)


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
    ]
