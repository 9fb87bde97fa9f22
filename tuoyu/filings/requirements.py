"""Which materials an application must carry: one rule, stated once as data, read by the pages (the list
the operator and the reviewer see) and by the services (submit and approve refuse without them).

A new filing proves everything (托育机构备案办法: licence, premises, staff certificates, hygiene, fire
safety, and a food licence when meals are served). A change (变更) proves only what it changes: a new
name or legal representative needs the new licence, a new address the premises, hygiene and fire
safety proofs, more places the fire safety proof, more or other staff their certificates, starting to
serve meals the food licence. A change of fees or hours alone needs no material.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import Filing, FilingKind, FilingMaterial, MaterialKind
from .selectors import PLACES_UP, STAFF_TOPIC, ChangeDiff, change_against_register, topic_labels

LICENCE_FIELDS = frozenset({"name", "type", "ownership", "registration_body", "uscc", "legal_representative"})
PREMISES_FIELDS = frozenset({"unit", "address"})


@dataclass(frozen=True)
class MaterialRule:
    """One material an application must carry; any one of `kinds` satisfies it."""

    kinds: tuple[str, ...]
    # How the page and the refusal name it; a single kind's own label when empty.
    label: Promise | None = None
    # A change needs it when one of these changed (a field key of the form, or a ChangeDiff trigger).
    change_when: frozenset[str] = field(default_factory=frozenset)
    # Needed only by an institution that serves meals (the food licence).
    only_if_meals: bool = False

    @property
    def name(self) -> str:
        return str(self.label or MaterialKind(self.kinds[0]).label)


MATERIAL_RULES: tuple[MaterialRule, ...] = (
    MaterialRule((MaterialKind.BUSINESS_LICENCE,), change_when=LICENCE_FIELDS),
    MaterialRule(
        (MaterialKind.PREMISES_OWN, MaterialKind.PREMISES_LEASE),
        label=_("Proof of owned premises, or a lease of at least 3 years"),
        change_when=PREMISES_FIELDS,
    ),
    MaterialRule((MaterialKind.STAFF_QUALIFICATION,), change_when=frozenset({STAFF_TOPIC})),
    MaterialRule((MaterialKind.STAFF_HEALTH,), change_when=frozenset({STAFF_TOPIC})),
    MaterialRule((MaterialKind.HYGIENE_REPORT,), change_when=PREMISES_FIELDS),
    MaterialRule((MaterialKind.FIRE_SAFETY,), change_when=PREMISES_FIELDS | {PLACES_UP}),
    MaterialRule((MaterialKind.FOOD_LICENCE,), change_when=frozenset({"serves_meals"}), only_if_meals=True),
)


@dataclass
class Needed:
    """A rule that applies to this application, and what satisfies it so far."""

    rule: MaterialRule
    because: list[str]  # a change: the changed items that call for it, in words
    material: FilingMaterial | None

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def kinds(self) -> str:
        return " ".join(self.rule.kinds)

    @property
    def present(self) -> bool:
        return self.material is not None

    @property
    def changes(self) -> str:
        """The changes that call for it, as one phrase ("地址、托位数")."""
        return pgettext("list separator", ", ").join(self.because)


def _serves_meals(filing: Filing) -> bool:
    return (filing.data.get("institution") or {}).get("serves_meals") in ("on", True, "true", "True")


def _because(rule: MaterialRule, diff: ChangeDiff) -> list[str]:
    keys = [key for key in diff.topics if key in rule.change_when]
    if PLACES_UP in rule.change_when and PLACES_UP in diff.triggers:
        keys.append("places")
    keys += [f.key for f in diff.fields if f.key in rule.change_when and f.key not in keys]
    return list(dict.fromkeys(topic_labels(keys)))


def materials_needed(
    filing: Filing, *, diff: ChangeDiff | None = None, materials: dict[str, FilingMaterial] | None = None
) -> list[Needed]:
    """The materials this application needs, in the rule's order; empty for a deregistration."""
    if filing.kind == FilingKind.DEREGISTRATION:
        return []
    if materials is None:
        materials = {m.kind: m for m in filing.materials.filter(superseded=False)}
    if filing.kind == FilingKind.CHANGE and diff is None:
        diff = change_against_register(filing)
    meals = _serves_meals(filing)
    needed = []
    for rule in MATERIAL_RULES:
        if rule.only_if_meals and not meals:
            continue
        because: list[str] = []
        if filing.kind == FilingKind.CHANGE:
            if diff is None or not (diff.triggers & rule.change_when):
                continue
            because = _because(rule, diff)
        found = next((materials[k] for k in rule.kinds if k in materials), None)
        needed.append(Needed(rule=rule, because=because, material=found))
    return needed


def materials_missing(filing: Filing, *, diff: ChangeDiff | None = None) -> list[Needed]:
    return [n for n in materials_needed(filing, diff=diff) if not n.present]
