import pytest

from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory


@pytest.fixture
def activity(community):
    return ActivityFactory(organizer_community=community, title="党员义务奉献日")


@pytest.fixture
def session(activity):
    return SessionFactory(activity=activity)


@pytest.fixture
def host(db):
    """A venue host who is not community staff (a volunteer of the organizing unit)."""
    from tests import factories as f

    return f.UserFactory(username="host1")


@pytest.fixture
def venue(activity, session, host):
    return VenueFactory(activity=activity, name="和平广场主会场", is_main=True, hosts=[host])


@pytest.fixture
def other_venue(activity, session, other_community):
    return VenueFactory(activity=activity, name="光明分会场", community=other_community)
