"""Sizes and limits that more than one module uses, in one place, so a change is made once and the API,
the forms and the pages keep agreeing. Deadlines set by regulation (the filing's 5 and 15 working days,
complaint answer times) belong to the workflow that counts them, not here; values an operator tunes per
deployment are settings (TUOYU_*)."""

from datetime import timedelta

# --- lists: every pager of the site and the API -----------------------------------------------------
PAGE_SIZE = 20  # rows per page when the caller does not say
MAX_PAGE_SIZE = 100  # the most a caller may ask for: one page stays one quick query
MAX_PAGE = 10_000  # nobody pages further, and OFFSET stays small

# --- the outbox worker --------------------------------------------------------------------------------
OUTBOX_MAX_ATTEMPTS = 8  # with pauses of 1, 2, 4 … minutes: about four hours of provider outage
OUTBOX_STALE_CLAIM = timedelta(minutes=10)  # a sender that died mid-send; its message is tried again
OUTBOX_BATCH = 200  # messages one pass of the worker takes

# --- the institution register and its public pages ------------------------------------------------
INSTITUTION_MAX_PHOTOS = 12
PHOTO_CAPTION_MAX_CHARS = 100
SEARCH_MAX_RADIUS_KM = 500  # beyond the district by far; bounds the lat/lng box of the query
COMPARE_MAX = 3  # institutions side by side on the compare page
HOME_MAP_MARKERS = 100  # institutions on the home page's map
HOME_MAP_RADIUS_KM = 100
