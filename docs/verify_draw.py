#!/usr/bin/env python3
"""Check a published 双随机 draw without the project's code: Python's standard library only.

    python3 verify_draw.py draw-12.json                      # the file downloaded from the draw's page
    python3 verify_draw.py https://…/inspections/draws/12.json
    python3 verify_draw.py - < draw-12.json                  # from standard input

It re-runs the algorithm "sha256-rank/1" (docs/inspections-draw.md), or "sha256-rank/2" for a draw with
experts from the pool (step 4), over the seed and the input lists in the file, prints the result and says
whether it equals the published one. Exit status: 0 when it matches,
1 when it does not, 2 when the file cannot be read.

This is a second, independent writing of the algorithm: it must not import anything of the project.
"""

import hashlib
import json
import sys
import urllib.request

ALGORITHM = "sha256-rank/1"
ALGORITHM_EXPERTS = "sha256-rank/2"  # the same, and experts drawn for each inspection (step 4)


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def redo(doc):
    seed = str(doc["seed"]).strip()
    per = int(doc["per_inspection"])
    # Step 1: canonical inputs (sorted by id and by code, text stripped, each entry once).
    ids = sorted({int(row["id"]) for row in doc["institutions"]})
    codes = sorted({str(row["code"]).strip() for row in doc["inspectors"]})
    linked = {(str(code).strip(), int(institution)) for code, institution in doc["links"]}
    count = max(0, min(int(doc["sample_count"]), len(ids)))
    # Step 2: institutions by SHA-256("seed|institution|id"); the first sample_count are drawn.
    drawn = sorted(ids, key=lambda i: (sha256_hex(f"{seed}|institution|{i}"), i))[:count]
    # Step 3: for each drawn institution in order, the pool minus linked inspectors, by (assignments so
    # far, SHA-256("seed|inspector|institution id|code")); the first per_inspection are taken.
    # Step 4 (sha256-rank/2 only): for each drawn institution in order, the experts minus those who work
    # there, by (assignments so far, SHA-256("seed|expert|institution id|code")); the first
    # experts_per_inspection are taken.
    experts_per = (
        int(doc.get("experts_per_inspection") or 0) if doc.get("algorithm") == ALGORITHM_EXPERTS else 0
    )
    expert_codes = (
        sorted({str(row["code"]).strip() for row in doc.get("experts") or []}) if experts_per else []
    )
    expert_linked = (
        {(str(c).strip(), int(i)) for c, i in doc.get("expert_links") or []} if experts_per else set()
    )
    expert_load = dict.fromkeys(expert_codes, 0)
    load = dict.fromkeys(codes, 0)
    result = []
    for institution in drawn:
        eligible = [c for c in codes if (c, institution) not in linked]
        if len(eligible) < per:
            raise SystemExit(
                f"institution {institution}: only {len(eligible)} eligible inspectors, {per} needed"
            )
        eligible.sort(key=lambda c: (load[c], sha256_hex(f"{seed}|inspector|{institution}|{c}"), c))
        chosen = eligible[:per]
        for c in chosen:
            load[c] += 1
        entry = {"institution": institution, "inspectors": chosen}
        if experts_per:
            eligible = [c for c in expert_codes if (c, institution) not in expert_linked]
            if len(eligible) < experts_per:
                raise SystemExit(
                    f"institution {institution}: only {len(eligible)} eligible experts, {experts_per} needed"
                )
            eligible.sort(key=lambda c: (expert_load[c], sha256_hex(f"{seed}|expert|{institution}|{c}"), c))
            entry["experts"] = eligible[:experts_per]
            for c in entry["experts"]:
                expert_load[c] += 1
        result.append(entry)
    return result


def read(source):
    if source == "-":
        return json.load(sys.stdin)
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310 (the user's own URL)
            return json.load(answer)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        doc = read(argv[1])
    except (OSError, ValueError) as exc:
        print(f"cannot read {argv[1]}: {exc}", file=sys.stderr)
        return 2
    if doc.get("algorithm") not in (ALGORITHM, ALGORITHM_EXPERTS):
        print(
            f"this script checks {ALGORITHM} and {ALGORITHM_EXPERTS}; the file says {doc.get('algorithm')!r}",
            file=sys.stderr,
        )
        return 2
    names = {int(row["id"]): row.get("name", "") for row in doc["institutions"]}
    result = redo(doc)
    for n, entry in enumerate(result, start=1):
        who = ", ".join(entry["inspectors"])
        if "experts" in entry:
            who += "; experts: " + ", ".join(entry["experts"])
        print(f"{n}. {entry['institution']} {names.get(entry['institution'], '')}: {who}")
    matches = result == doc.get("result")
    print(
        "MATCH: the published result is reproduced" if matches else "MISMATCH: the published result differs"
    )
    return 0 if matches else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
