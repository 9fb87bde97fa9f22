"""The 双随机 draw: which institutions are inspected, and by whom. A pure function over published inputs.

The draw is written so that anyone can check it with nothing but SHA-256 (`sha256sum`, or the
stdlib-only `docs/verify_draw.py`); docs/inspections-draw.md explains it step by step in plain words.

    1. Canonical inputs: institutions sorted by id, inspectors sorted by certificate number (code),
       links (recusal pairs) as [code, institution id] sorted; text stripped, duplicates dropped.
    2. Each institution's rank is SHA-256(f"{seed}|institution|{id}") as lowercase hex; the
       `sample_count` lowest ranks are drawn, in rank order.
    3. For each drawn institution, in that order: the eligible inspectors are the pool minus those linked
       to it (回避). They are ordered by (inspections already given to them in this draw,
       SHA-256(f"{seed}|inspector|{institution id}|{code}")), and the first `per_inspection` are taken.
       Counting the assignments first spreads the work over the pool.
    4. Only for a draw with experts ("sha256-rank/2"; `experts_per_inspection` > 0): for each drawn
       institution, in the same order, the experts of the pool (sorted by code) minus those who work
       there (expert links [[code, institution id]], 回避) are ordered by (inspections already given to
       them in this draw, SHA-256(f"{seed}|expert|{institution id}|{code}")), and the first
       `experts_per_inspection` are taken; each result entry gets "experts": [code, …].
       A draw without experts is step 1 to 3 only, named "sha256-rank/1", and its published document and
       result are exactly what they were before experts existed.

No database, no clock and no random source here: the seed is chosen by the service
(`secrets.token_hex(16)`), stored and published with the inputs, so the same inputs and seed always give
the same result and a changed input or seed is visible.
"""

import hashlib
import math
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALGORITHM = "sha256-rank/1"
# The same draw with experts from the pool (step 4): a new name, since the published text changes.
ALGORITHM_EXPERTS = "sha256-rank/2"
ALGORITHMS = frozenset({ALGORITHM, ALGORITHM_EXPERTS})
MIN_PER_INSPECTION = 2  # 双随机: at least two law-enforcement officers per inspection


def digest(text: str) -> str:
    """SHA-256 of the UTF-8 text, lowercase hex: what `printf '%s' TEXT | sha256sum` prints."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def institution_key(seed: str, institution_id: int) -> str:
    return f"{seed}|institution|{institution_id}"


def inspector_key(seed: str, institution_id: int, code: str) -> str:
    return f"{seed}|inspector|{institution_id}|{code}"


def expert_key(seed: str, institution_id: int, code: str) -> str:
    return f"{seed}|expert|{institution_id}|{code}"


def algorithm_for(experts_per_inspection: int) -> str:
    """The name a draw is stored and published with: /1 without experts (unchanged), /2 with them."""
    return ALGORITHM_EXPERTS if int(experts_per_inspection or 0) > 0 else ALGORITHM


def _text(value) -> str:
    return str(value if value is not None else "").strip()


def canonical_institutions(institutions: Iterable[dict]) -> list[dict]:
    """[{"id": int, "name": str}] sorted by id, one entry per id."""
    rows = sorted(
        ({"id": int(row["id"]), "name": _text(row.get("name"))} for row in institutions), key=_by_id
    )
    return _first_per(rows, "id")


def canonical_inspectors(inspectors: Iterable[dict]) -> list[dict]:
    """[{"code", "name", "department"}] sorted by code, one entry per code."""
    rows = sorted(
        (
            {
                "code": _text(row["code"]),
                "name": _text(row.get("name")),
                "department": _text(row.get("department")),
            }
            for row in inspectors
        ),
        key=lambda row: (row["code"], row["name"], row["department"]),
    )
    return _first_per(rows, "code")


def canonical_experts(experts: Iterable[dict]) -> list[dict]:
    """[{"code", "name", "field", "unit"}] sorted by code, one entry per code."""
    rows = sorted(
        (
            {
                "code": _text(row["code"]),
                "name": _text(row.get("name")),
                "field": _text(row.get("field")),
                "unit": _text(row.get("unit")),
            }
            for row in experts
        ),
        key=lambda row: (row["code"], row["name"], row["field"], row["unit"]),
    )
    return _first_per(rows, "code")


def canonical_links(links: Iterable) -> list[list]:
    """[[inspector code, institution id]] sorted, each pair once."""
    return [list(pair) for pair in sorted({(_text(code), int(institution)) for code, institution in links})]


def _by_id(row: dict) -> tuple:
    return (row["id"], row["name"])


def _first_per(rows: list[dict], key: str) -> list[dict]:
    seen, kept = set(), []
    for row in rows:
        if row[key] not in seen:
            seen.add(row[key])
            kept.append(row)
    return kept


def sample_count_for(
    *, candidates: int, sample_percent: int | None = None, sample_size: int | None = None
) -> int:
    """How many institutions a plan draws: ceil(percent × candidates / 100), or the number asked, at least
    1 and never more than there are candidates (0 only when there are none)."""
    if candidates <= 0:
        return 0
    if sample_percent is not None:
        wanted = math.ceil(int(sample_percent) * candidates / 100)
    else:
        wanted = int(sample_size or 0)
    return max(1, min(wanted, candidates))


def _short_of(drawn: list[dict], codes: list[str], linked: set, need: int) -> list[str]:
    """The drawn institutions left with fewer than `need` people once the linked ones are set aside, each as
    "name（how many are left）" for the refusal's message."""
    short = []
    for row in drawn:
        eligible = [code for code in codes if (code, row["id"]) not in linked]
        if len(eligible) < need:
            short.append(f"{row['name'] or row['id']}（{len(eligible)}）")
    return short


def run_draw(
    *,
    seed: str,
    institutions: list[dict],
    inspectors: list[dict],
    links: list[list],
    sample_count: int,
    per_inspection: int,
    experts: Iterable[dict] = (),
    expert_links: Iterable = (),
    experts_per_inspection: int = 0,
) -> list[dict]:
    """The draw: [{"institution": id, "inspectors": [code, …]}] in drawn order, inspectors in their
    drawn order (and "experts": [code, …] when `experts_per_inspection` > 0). Raises ValidationError
    (nothing drawn) when it cannot give every drawn institution `per_inspection` inspectors who are not
    linked to it, or `experts_per_inspection` experts who do not work there."""
    seed = _text(seed)
    if not seed:
        raise ValidationError(_("The draw needs a seed."), code="seed")
    if per_inspection < MIN_PER_INSPECTION:
        raise ValidationError(
            _("An inspection needs at least %(count)d inspectors.") % {"count": MIN_PER_INSPECTION},
            code="per_inspection",
        )
    institutions = canonical_institutions(institutions)
    inspectors = canonical_inspectors(inspectors)
    linked = {(code, institution) for code, institution in canonical_links(links)}
    if not institutions:
        raise ValidationError(_("There is no institution to draw from."), code="no_institutions")
    if len(inspectors) < per_inspection:
        raise ValidationError(
            _("Too few inspectors in the pool: %(pool)d; each inspection needs %(count)d.")
            % {"pool": len(inspectors), "count": per_inspection},
            code="pool",
        )
    experts_per_inspection = int(experts_per_inspection or 0)
    if experts_per_inspection < 0:
        raise ValidationError(_("The number of experts cannot be negative."), code="experts_per_inspection")
    experts = canonical_experts(experts) if experts_per_inspection else []
    expert_linked = (
        {(code, institution) for code, institution in canonical_links(expert_links)}
        if experts_per_inspection
        else set()
    )
    if experts_per_inspection and len(experts) < experts_per_inspection:
        raise ValidationError(
            _("Too few experts in the pool: %(pool)d; each inspection needs %(count)d.")
            % {"pool": len(experts), "count": experts_per_inspection},
            code="expert_pool",
        )
    count = max(0, min(int(sample_count), len(institutions)))
    ranked = sorted(institutions, key=lambda row: (digest(institution_key(seed, row["id"])), row["id"]))
    drawn = ranked[:count]

    codes = [row["code"] for row in inspectors]
    short = _short_of(drawn, codes, linked, per_inspection)
    if short:
        raise ValidationError(
            _(
                "Not enough inspectors without a declared link for: %(institutions)s. Each inspection "
                "needs %(count)d; add inspectors to the pool."
            )
            % {"institutions": "、".join(short), "count": per_inspection},
            code="recusal",
        )

    expert_codes = [row["code"] for row in experts]
    if experts_per_inspection:
        short = _short_of(drawn, expert_codes, expert_linked, experts_per_inspection)
        if short:
            raise ValidationError(
                _(
                    "Not enough experts who do not work at: %(institutions)s. Each inspection needs "
                    "%(count)d; add experts to the pool."
                )
                % {"institutions": "、".join(short), "count": experts_per_inspection},
                code="expert_recusal",
            )

    load = dict.fromkeys(codes, 0)
    expert_load = dict.fromkeys(expert_codes, 0)
    result = []
    for row in drawn:
        eligible = [code for code in codes if (code, row["id"]) not in linked]
        eligible.sort(key=lambda code: (load[code], digest(inspector_key(seed, row["id"], code)), code))
        chosen = eligible[:per_inspection]
        for code in chosen:
            load[code] += 1
        entry = {"institution": row["id"], "inspectors": chosen}
        if experts_per_inspection:
            eligible = [code for code in expert_codes if (code, row["id"]) not in expert_linked]
            eligible.sort(
                key=lambda code: (expert_load[code], digest(expert_key(seed, row["id"], code)), code)
            )
            entry["experts"] = eligible[:experts_per_inspection]
            for code in entry["experts"]:
                expert_load[code] += 1
        result.append(entry)
    return result


def document(draw) -> dict:
    """What the public page offers as JSON and `docs/verify_draw.py` reads: exactly the inputs and the
    result of a stored Draw (any object with its fields). A draw with experts ("sha256-rank/2") adds
    "experts_per_inspection", "experts" and "expert_links"; one without is exactly as it always was."""
    doc = {
        "algorithm": draw.algorithm,
        "seed": draw.seed,
        "sample_count": draw.sample_count,
        "per_inspection": draw.inspectors_per_inspection,
        "institutions": draw.institution_list,
        "inspectors": draw.inspector_list,
        "links": draw.links,
    }
    if draw.algorithm == ALGORITHM_EXPERTS:
        doc["experts_per_inspection"] = getattr(draw, "experts_per_inspection", 0)
        doc["experts"] = getattr(draw, "expert_list", [])
        doc["expert_links"] = getattr(draw, "expert_links", [])
    doc["result"] = draw.result
    return doc


def rerun(doc: dict) -> list[dict]:
    """Run the draw again over a published document (the JSON of `document`); the experts' part only
    when the document has one."""
    return run_draw(
        seed=doc["seed"],
        institutions=doc["institutions"],
        inspectors=doc["inspectors"],
        links=doc["links"],
        sample_count=int(doc["sample_count"]),
        per_inspection=int(doc["per_inspection"]),
        experts=doc.get("experts") or [],
        expert_links=doc.get("expert_links") or [],
        experts_per_inspection=int(doc.get("experts_per_inspection") or 0),
    )


def verify(draw) -> bool:
    """True when re-running a stored Draw over its own published inputs gives its stored result (and
    its algorithm's name is the one its inputs call for)."""
    doc = document(draw)
    if doc["algorithm"] not in ALGORITHMS or doc["algorithm"] != algorithm_for(
        doc.get("experts_per_inspection", 0)
    ):
        return False
    try:
        return rerun(doc) == doc["result"]
    except (ValidationError, KeyError, TypeError, ValueError):
        return False
