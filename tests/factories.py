"""factory_boy factories for every model the tests arrange."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    District,
    Member,
    Organization,
    OrganizationAdmin,
    Partnership,
    ServiceCategory,
    Subdistrict,
    User,
)
from records.models import ServiceRecord

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Mark the email verified for allauth (`verified=False` to leave it unverified)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )
        if create:
            obj.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"第{n}区")


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}街道")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    name = factory.Sequence(lambda n: f"幸福{n}社区")
    address = "建设路1号"


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"区直机关工委{n}")
    kind = Organization.Kind.COMMITTEE
    parent = None


class PartyCommitteeFactory(CommitteeFactory):
    name = factory.Sequence(lambda n: f"区教育局机关党委{n}")
    kind = Organization.Kind.PARTY_COMMITTEE
    parent = factory.SubFactory(CommitteeFactory)


class BranchFactory(CommitteeFactory):
    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = Organization.Kind.BRANCH
    parent = factory.SubFactory(PartyCommitteeFactory)


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"服务{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    real_name = factory.Sequence(lambda n: f"张{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    branch = factory.SubFactory(BranchFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityRegistration

    member = factory.SubFactory(MemberFactory)
    community = factory.SubFactory(CommunityFactory)
    state = CommunityRegistration.State.PENDING


class ConfirmedRegistrationFactory(RegistrationFactory):
    state = CommunityRegistration.State.CONFIRMED
    decided_at = factory.LazyFunction(timezone.now)


class CommunityStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityStaff

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    title = "社区书记"


class OrganizationAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationAdmin

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(PartyCommitteeFactory)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    organization = factory.SubFactory(PartyCommitteeFactory)
    community = factory.SubFactory(CommunityFactory)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    term_start = factory.LazyAttribute(lambda p: p.signed_on)
    term_end = factory.LazyAttribute(lambda p: p.term_start + datetime.timedelta(days=365 * 2))
    commitments = "每季度开展一次共建活动"


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    member = factory.SubFactory(MemberFactory)
    community = factory.SubFactory(CommunityFactory)
    served_on = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2.0")
    points = 2
    kind = ServiceRecord.Kind.OTHER
    source = ServiceRecord.Source.STAFF
    source_key = factory.Sequence(lambda n: f"manual:{n}")
    title = "入户走访"


def once() -> dict:
    """The hidden field of a creating form (core.once): a fresh submission token."""
    import uuid

    return {"submission": str(uuid.uuid4())}
