"""Dashboards for the committee, each organization and each community: grouped queries of the
apps' selectors (a fixed number per dashboard, whatever the number of communities), cached
briefly. Every chart is a plain dict that the page draws with ECharts and prints as a table
beside it, from the same numbers.

A producer's service records appear by their kind (`ServiceRecord.kind`) without a change here;
a producer's own figures (wishes by state) come from its selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from members.access import get_roles
from members.models import Community, CommunityRegistration, Organization
from records import insight as records_insight
from records.boards import BoardPeriod, organization_board, period_range
from records.models import ServiceRecord
from reports import selectors as reports_selectors
from reports.models import Rating
from wishes import selectors as wishes_selectors
from wishes.models import Wish

CACHE_SECONDS = 60
TOP = 15


@dataclass
class InsightScope:
    key: str
    title: str
    communities: object  # None (all), or ids / a values() queryset of community ids
    organization: Organization | None
    community: Community | None
    record_q: Q


def scope_for(user, unit: str = "") -> InsightScope | None:
    """The dashboard a user may open: `unit` ("org:<pk>", "community:<pk>") within what they
    oversee, else their own (a committee's, an organization's, a community's). None: none."""
    roles = get_roles(user)
    kind, _sep, pk = (unit or "").partition(":")
    pk = int(pk) if pk.isdigit() and len(pk) < 10 else None
    if kind == "community" and pk:
        community = Community.objects.select_related("subdistrict").filter(pk=pk).first()
        if community and (
            roles.is_superuser or roles.staffs(pk) or roles.oversees_community(community)
        ):
            return _community_scope(community)
    if kind == "org" and pk:
        organization = Organization.objects.filter(pk=pk).first()
        if organization and (roles.is_superuser or roles.administers(organization)):
            return _organization_scope(organization, roles)
    if roles.is_superuser:
        return InsightScope("all", _("Every district"), None, None, None, Q())
    if roles.is_org_admin:
        organization = (
            Organization.objects.filter(pk__in=roles.admin_org_ids).order_by("path").first()
        )
        return _organization_scope(organization, roles)
    if roles.is_staff:
        return _community_scope(Community.objects.get(pk=roles.staff_community_id))
    return None


def _community_scope(community: Community) -> InsightScope:
    return InsightScope(
        f"community:{community.pk}",
        community.name,
        [community.pk],
        None,
        community,
        Q(community_id=community.pk),
    )


def _organization_scope(organization: Organization, roles) -> InsightScope:
    if organization.kind == Organization.Kind.COMMITTEE:
        district = organization.district_id
        communities = (
            Community.objects.filter(subdistrict__district_id=district).values("pk")
            if district
            else None
        )
        record_q = Q(community__subdistrict__district_id=district) if district else Q()
    else:
        record_q = Q(member__branch__path__startswith=organization.path)
        communities = ServiceRecord.objects.filter(record_q).values("community_id")
    return InsightScope(
        f"org:{organization.pk}", organization.name, communities, organization, None, record_q
    )


# ---------------------------------------------------------------------------------------------
def _chart(chart_id, title, categories, series, *, stack=False, unit=""):
    return {
        "id": chart_id,
        "title": str(title),
        "categories": [str(c) for c in categories],
        "series": [
            {"name": str(name), "data": [float(v) if isinstance(v, Decimal) else v for v in data]}
            for name, data in series
        ],
        "stack": stack,
        "unit": str(unit),
    }


def _months(rows):
    return sorted({r["month"].strftime("%Y-%m") for r in rows if r["month"]})


def _by_month(rows, key, labels, value="n"):
    months = _months(rows)
    index = {m: i for i, m in enumerate(months)}
    values = {}
    for r in rows:
        if not r["month"]:
            continue
        values.setdefault(r[key], [0] * len(months))[index[r["month"].strftime("%Y-%m")]] += r[
            value
        ]
    series = [(labels.get(k, k), v) for k, v in sorted(values.items(), key=lambda kv: kv[0])]
    return months, series


def dashboard(scope: InsightScope, period: str = BoardPeriod.HALF) -> dict:
    """Every figure and chart of one dashboard (cached for a minute)."""
    key = f"insight:{scope.key}:{period}:{get_language()}"
    found = cache.get(key)
    if found is not None:
        return found
    result = _dashboard(scope, period)
    cache.set(key, result, CACHE_SECONDS)
    return result


def _dashboard(scope: InsightScope, period: str) -> dict:
    start, end, label = period_range(period)
    charts = []

    # 报到: members registered against members, per unit.
    if scope.community is not None:
        rows = (
            CommunityRegistration.objects.filter(
                community=scope.community,
                state__in=[
                    CommunityRegistration.State.CONFIRMED,
                    CommunityRegistration.State.PENDING,
                ],
            )
            .values("member__branch__parent__name", "state")
            .order_by()
        )
        grouped = rows.annotate(n=Count("pk"))
        units = sorted({r["member__branch__parent__name"] or "—" for r in grouped})
        confirmed = dict.fromkeys(units, 0)
        pending = dict.fromkeys(units, 0)
        for r in grouped:
            target = confirmed if r["state"] == CommunityRegistration.State.CONFIRMED else pending
            target[r["member__branch__parent__name"] or "—"] += r["n"]
        charts.append(
            _chart(
                "registrations",
                _("Members registered with the community, by unit"),
                units,
                [
                    (_("Confirmed"), [confirmed[u] for u in units]),
                    (_("Waiting"), [pending[u] for u in units]),
                ],
                stack=True,
            )
        )
        registered_total = sum(confirmed.values())
        members_total = None
    else:
        org_rows, _label = organization_board(under=scope.organization, period=period)
        org_rows = sorted(org_rows, key=lambda r: r.name)[:TOP]
        charts.append(
            _chart(
                "registrations",
                _("Members registered with a community against members, by unit"),
                [r.name for r in org_rows],
                [
                    (_("Members"), [r.members for r in org_rows]),
                    (_("Registered"), [r.registered for r in org_rows]),
                ],
            )
        )
        registered_total = sum(r.registered for r in org_rows)
        members_total = sum(r.members for r in org_rows)

    # Every producer's service records by month and kind.
    kinds = dict(ServiceRecord.Kind.choices)
    rows = records_insight.records_by_month_and_kind(where=scope.record_q, start=start, end=end)
    months, series = _by_month(rows, "kind", kinds)
    charts.append(
        _chart(
            "records_by_month", _("Service records by month and kind"), months, series, stack=True
        )
    )
    total_hours = sum((r["hours"] or 0 for r in rows), start=Decimal(0))

    # Wishes by month and state.
    rows = wishes_selectors.wish_counts_by_month_and_state(
        communities=scope.communities, start=start, end=end
    )
    months, series = _by_month(rows, "state", dict(Wish.State.choices))
    charts.append(
        _chart("wishes_by_month", _("Wishes by month made and state"), months, series, stack=True)
    )

    # Hours by community and by unit.
    rows = records_insight.hours_by_community(where=scope.record_q, start=start, end=end)
    communities_served = len(rows)
    charts.append(
        _chart(
            "hours_by_community",
            _("Hours by community served"),
            [r["community__name"] for r in rows[:TOP]],
            [(pgettext("board", "Hours"), [r["hours"] for r in rows[:TOP]])],
            unit=_("hours"),
        )
    )
    rows = records_insight.hours_by_unit(where=scope.record_q, start=start, end=end)
    charts.append(
        _chart(
            "hours_by_unit",
            _("Hours by the members' unit"),
            [r["member__branch__parent__name"] or "—" for r in rows[:TOP]],
            [(pgettext("board", "Hours"), [r["hours"] for r in rows[:TOP]])],
            unit=_("hours"),
        )
    )

    # Ratings (双评价).
    rows = {
        r["rating"]: r["n"]
        for r in reports_selectors.rating_counts(
            communities=scope.communities, start=start, end=end
        )
    }
    charts.append(
        _chart(
            "ratings",
            _("Ratings of members by the communities"),
            [label_ for _value, label_ in Rating.choices],
            [(_("Members rated"), [rows.get(value, 0) for value, _l in Rating.choices])],
        )
    )

    overdue = [
        {
            "title": c.wish.title,
            "community": c.wish.community.name,
            "claimant": c.claimant_name,
            "promised": c.promised_date,
            "wish_id": c.wish_id,
        }
        for c in wishes_selectors.overdue_claims(communities=scope.communities)
    ]
    return {
        "title": scope.title,
        "period_label": str(label),
        "figures": {
            "hours": total_hours,
            "communities_served": communities_served,
            "registered": registered_total,
            "members": members_total,
            "overdue": len(overdue),
        },
        "charts": charts,
        "overdue": overdue,
    }


def table_rows(chart: dict) -> list[dict]:
    """The chart's numbers as the rows of its table: one per category, one value per series."""
    return [
        {"category": category, "values": [s["data"][i] for s in chart["series"]]}
        for i, category in enumerate(chart["categories"])
    ]


def _bars(chart: dict, width: int = 330, row: int = 14) -> dict:
    """A horizontal bar per category (the series added up), as numbers for an SVG drawn by the
    template: the PDF has no script."""
    totals = [sum(s["data"][i] for s in chart["series"]) for i in range(len(chart["categories"]))]
    top = max(totals, default=0) or 1
    label_width = 110
    bars = [
        {
            "y": i * row,
            "label": category[:14],
            "w": round((width - label_width - 40) * total / top, 1),
            "value": round(total, 1) if isinstance(total, float) else total,
            "tx": label_width + round((width - label_width - 40) * total / top, 1) + 3,
        }
        for i, (category, total) in enumerate(zip(chart["categories"], totals, strict=True))
    ][:10]
    return {"bars": bars, "height": max(len(bars), 1) * row, "label_width": label_width}


def summary_pdf(data: dict) -> bytes:
    """A one-page summary of a dashboard for meetings: the figures, and each chart as bars
    with its numbers."""
    from django.template.loader import (
        render_to_string,
    )  # only the PDF summary renders a template here
    from django.utils import timezone  # only the PDF summary dates itself

    from core.pdf import html_to_pdf  # only the PDF summary needs the renderer

    charts = [{**c["data"], "svg": _bars(c["data"])} for c in data["charts"]]
    html = render_to_string(
        "portal/insight_pdf.html",
        {"data": data, "charts": charts, "today": timezone.localdate()},
    )
    return html_to_pdf(html)
