"""Staff's entry of service into the ledger."""

import datetime

import pytest

from members.models import CommunityRegistration
from records.services import RecordsError, service_record_enter
from tests import factories as f


def test_confirmed_registration_state_is_required_to_enter_service(staff, community, branch):
    pending = f.MemberFactory(branch=branch)
    f.RegistrationFactory(member=pending, community=community)
    with pytest.raises(RecordsError) as e:
        service_record_enter(
            by=staff,
            community=community,
            member=pending,
            served_on=datetime.date(2026, 3, 1),
            hours="2",
            kind="other",
            title="义诊",
            token="t1",
        )
    assert e.value.code == "not_registered"
    assert CommunityRegistration.objects.filter(member=pending).count() == 1
