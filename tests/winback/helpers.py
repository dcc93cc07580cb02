"""Shared by the win-back tests: a departed contract's win-back case and its call."""

from calls.choices import CallTaskKind
from calls.models import CallTask
from winback.models import WinBackCase


def win_back_case_for(contract) -> WinBackCase:
    return WinBackCase.objects.get(contract=contract)


def win_back_call_for(contract) -> CallTask:
    return CallTask.objects.get(kind=CallTaskKind.WIN_BACK, contract=contract)
