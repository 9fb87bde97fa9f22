"""Characters that do not belong in stored text, and text that must be made safe for XML.

Two different lists on purpose. At the edge we refuse every invisible control character a person cannot
have meant to type (ControlCharactersMiddleware), so nothing new of the kind is stored. At output we drop
only what XML 1.0 forbids (xml_safe), because data stored before the edge refused it, or written by a
command or the admin shell, must not make a whole feed or Open311 list unreadable for every client.
"""

import re

# C0 controls except tab, LF and CR; DEL and the C1 controls (U+0080–U+009F), which are legal in XML
# but are never text anyone typed; lone surrogates (JSON can carry them as \ud800 escapes) and the
# noncharacters U+FFFE and U+FFFF, which XML 1.0 forbids.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Everything outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def has_control_characters(text: str) -> bool:
    """True when the text holds a character we refuse at the edge (see _REFUSED)."""
    return _REFUSED.search(text) is not None


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold, so a parser can always read the document.
    Dropping (rather than replacing with a visible mark) keeps an ordinary description unchanged."""
    return _NOT_XML.sub("", text)
