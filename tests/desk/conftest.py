"""Fixtures of the desk tests: time stopped at a fixed moment."""

import pytest
import time_machine

from tests.desk.helpers import NOW


@pytest.fixture
def clock():
    """Time stands still at `NOW` until the test moves it (`clock.move_to(...)`)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
