"""Korean initials, by which a reason is found in the picker, keep only Hangul syllables."""

import pytest

from core.text import hangul_initials

pytestmark = pytest.mark.django_db


def test_initials_keep_only_hangul_syllables():
    assert hangul_initials("월 렌탈료 A부담") == "ㅇㄹㅌㄹㅂㄷ"
