"""Names as people type them: pinyin (with or without tones and spaces), English (Hanfeng Subdistrict)
and Chinese with or without the level's suffix (温泉镇, 温泉). A unit stores its Latin keys in
`Unit.search_key` (filled on save), so a search compares plain strings and needs no pinyin at query time.
"""

import re
import unicodedata

from pypinyin import lazy_pinyin

# The suffix a unit's Chinese name ends with, by level, and the English word for the level
# (民政部's usage: 街道 Subdistrict, 镇 Town, 乡 Township). "Street" is what many people write for 街道.
SUFFIXES = {
    "province": (("省", "市"), ()),
    "city": (("市",), ("City",)),
    "district": (("区", "县"), ("District", "County")),
    "street": (("街道",), ("Subdistrict", "Street")),
    "town": (("镇",), ("Town",)),
    "township": (("乡",), ("Township",)),
}

_CJK = re.compile(r"[\u3400-\u9fff]")
_TONE_DIGIT = re.compile(r"(?<=[a-z])[1-5]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def normalize(text: str) -> str:
    """Lower case, tone marks and tone digits dropped (hàn fēng, han4 feng1 → hanfeng), no spaces or
    punctuation; Chinese characters stay as they are."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ü", "v")
    if not has_cjk(plain):
        plain = _TONE_DIGIT.sub("", plain)
    return _NOT_WORD.sub("", plain)


def pinyin(text: str) -> str:
    """Toneless pinyin without spaces: 汉丰 → hanfeng (pypinyin's phrase table reads 重庆 as chongqing)."""
    return normalize("".join(lazy_pinyin(text)))


def short_name(name: str, level: str) -> str:
    """The name without its level's suffix (温泉镇 → 温泉); the whole name when it has none or is too short."""
    for suffix in SUFFIXES.get(level, ((), ()))[0]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def english_name(name: str, level: str) -> str:
    """Hanfeng Subdistrict, Wenquan Town, Kaizhou District."""
    base = "".join(lazy_pinyin(short_name(name, level))).capitalize()
    words = SUFFIXES.get(level, ((), ()))[1]
    return f"{base} {words[0]}" if words else base


def latin_keys(name: str, level: str, name_en: str = "") -> list[str]:
    """Every Latin spelling a family may type for a unit, normalised: pinyin of the whole name and of the
    short one, and the English name with each English word for the level."""
    short = short_name(name, level)
    base_en = normalize(name_en.split()[0]) if name_en else pinyin(short)
    keys = [pinyin(name), pinyin(short), base_en]
    if name_en:
        keys.append(normalize(name_en))
    keys += [base_en + normalize(word) for word in SUFFIXES.get(level, ((), ()))[1]]
    return list(dict.fromkeys(k for k in keys if k))
