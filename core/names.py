"""How a person's name reads: Korean names family name first without a space (김지은),
Western names given name first (Jane Park). One rule for every place a person is named."""

import re

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def person_name(given: str, family: str, fallback: str = "") -> str:
    given, family = (given or "").strip(), (family or "").strip()
    if not given or not family:
        return given or family or fallback
    if HANGUL.search(given + family):
        return f"{family}{given}"
    return f"{given} {family}"
