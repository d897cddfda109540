"""Pages of the ledger: a member's service and points, staff's entry of service.

Thin: each view fetches through members.access, calls a service and renders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.access import member_or_404, scope, staff_community_or_403

from . import selectors, services
from .forms import ServiceRecordEntryForm
from .services import RecordsError


@login_required
def my_service(request):
    member = member_or_404(request.user)
    halves = selectors.member_service_by_half_year(member=member)
    total_points = sum(h.points for h in halves)
    total_hours = sum((h.hours for h in halves), start=0)
    ranks = selectors.member_ranks(member=member, my_points=total_points)
    return render(
        request,
        "records/my_service.html",
        {
            "member": member,
            "halves": halves,
            "total_points": total_points,
            "total_hours": total_hours,
            "ranks": ranks,
        },
    )


@login_required
def staff_records(request):
    community = staff_community_or_403(request.user)
    members = scope(request.user, selectors.community_registered_members(community=community))
    form = ServiceRecordEntryForm(
        request.POST or None, members=members, earliest=services.earliest_service_date()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.service_record_enter(
                by=request.user,
                community=community,
                member=data["member"],
                served_on=data["served_on"],
                hours=data["hours"],
                kind=data["kind"],
                title=data["title"],
                note=data["note"],
                token=data["token"],
            )
            messages.success(
                request,
                _("Recorded %(hours)s hours (%(points)s points) for %(name)s.")
                % {"hours": record.hours, "points": record.points, "name": record.member},
            )
            return redirect("records:staff_records")
        except RecordsError as e:
            messages.error(request, e.message)
    return render(
        request,
        "records/staff_records.html",
        {
            "community": community,
            "form": form,
            "records": selectors.community_recent_records(community=community),
        },
    )
