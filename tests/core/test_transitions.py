"""The one state-move helper: a conditional UPDATE from the allowed states."""

from core.transitions import state_move
from tests.wishes.factories import WishFactory
from wishes.models import Wish


def test_a_move_from_an_allowed_state_returns_the_state_it_left(db):
    wish = WishFactory(state=Wish.State.SUBMITTED)
    left = state_move(wish, from_states=[Wish.State.SUBMITTED], to=Wish.State.PUBLISHED)
    assert left == Wish.State.SUBMITTED
    assert wish.state == Wish.objects.get(pk=wish.pk).state == Wish.State.PUBLISHED


def test_a_move_from_another_state_changes_nothing_and_refreshes_the_object(db):
    wish = WishFactory(state=Wish.State.SUBMITTED)
    stale = Wish.objects.get(pk=wish.pk)
    state_move(wish, from_states=[Wish.State.SUBMITTED], to=Wish.State.PUBLISHED)
    # The second of two simultaneous moves: it still believes the wish is submitted.
    assert state_move(stale, from_states=[Wish.State.SUBMITTED], to=Wish.State.REJECTED) is None
    assert stale.state == Wish.State.PUBLISHED


def test_the_other_fields_are_set_with_the_move(db):
    wish = WishFactory(state=Wish.State.SUBMITTED)
    state_move(wish, from_states=[Wish.State.SUBMITTED], to=Wish.State.REJECTED, title="重复的心愿")
    assert Wish.objects.get(pk=wish.pk).title == "重复的心愿"
