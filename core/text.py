"""What text the desk accepts: no control characters but tab and line breaks.

PostgreSQL cannot store NUL, and nothing on the desk has a use for the other C0 and C1
controls; they only hide text or break exports.
"""

import re

# C0 controls, DEL and C1 controls, but tab, line feed and carriage return (multi-line text).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a URL, a query or a cookie nothing needs even those.
CONTROL_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# The initial consonant (초성) of each Hangul syllable, so "ㅇㄱ" finds "요금".
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def hangul_initials(text: str) -> str:
    """The initial consonants of the Hangul syllables in `text` (other characters dropped)."""
    return "".join(
        _INITIALS[(ord(ch) - 0xAC00) // 588] for ch in text if "\uac00" <= ch <= "\ud7a3"
    )
