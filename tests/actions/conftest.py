import pytest
import time_machine

from ..factories import UserFactory


@pytest.fixture
def board_manager(app):
    return UserFactory(roles=["board_manager"])


@pytest.fixture
def signed_in_manager(login_as):
    return login_as("board_manager")


@pytest.fixture
def frozen_at(login_as):
    """freeze(day) stops the clock on `day` and signs in a board manager then.

    Signing in must happen under the frozen clock: a session cookie signed in the future of
    the frozen time would be refused as expired.
    """
    travellers = []

    def freeze(day):
        traveller = time_machine.travel(day, tick=False)
        traveller.start()
        travellers.append(traveller)
        return login_as("board_manager")

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()
