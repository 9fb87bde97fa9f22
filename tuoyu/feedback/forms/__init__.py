"""The forms of feedback's pages, one module per side: reporting.py (the public complaint pages and
马上查), handling.py (the queue's filters and the actions on a case, the institution's reply) and
reviews.py (reviewing, replying, moderating). They parse input only; the rules are the services'."""

from .handling import (
    AcknowledgeForm,
    AnswerForm,
    InstitutionReplyForm,
    MergeForm,
    NoteForm,
    PlaceForm,
    QueueFilterForm,
    ReassignForm,
)
from .reporting import AddInformationForm, RateForm, ReportForm, TrackForm, new_key
from .reviews import ModerateForm, ReplyForm, ReviewForm

__all__ = [
    "AcknowledgeForm",
    "AddInformationForm",
    "AnswerForm",
    "InstitutionReplyForm",
    "MergeForm",
    "ModerateForm",
    "NoteForm",
    "PlaceForm",
    "QueueFilterForm",
    "RateForm",
    "ReassignForm",
    "ReplyForm",
    "ReportForm",
    "ReviewForm",
    "TrackForm",
    "new_key",
]
