"""Factories of the check-in app: an activity running now, with one session and a venue."""

import datetime

import factory
from django.utils import timezone

from checkins.models import Activity, Session, Signup, Venue
from tests import factories as f


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"党员义务奉献日{n}")
    kind = Activity.Kind.SERVICE
    organizer_community = factory.SubFactory(f.CommunityFactory)
    state = Activity.State.PUBLISHED
    min_minutes = 0


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        skip_postgeneration_save = True

    activity = factory.SubFactory(ActivityFactory)
    name = factory.Sequence(lambda n: f"会场{n}")
    community = factory.LazyAttribute(lambda v: v.activity.organizer_community)
    capacity = 50

    @factory.post_generation
    def hosts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.hosts.set(extracted)


class SignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signup

    venue = factory.SubFactory(VenueFactory)
    activity = factory.LazyAttribute(lambda s: s.venue.activity)
    member = factory.SubFactory(f.MemberFactory)
    state = Signup.State.REGISTERED
