"""Demo data of the reports app (called by `manage.py seed_demo`): point rules, service records
over the last three half-years, the last half-year's reports in every state, community ratings
and last year's organization reports. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.periods import last_ended
from members.models import CommunityRegistration, CommunityStaff, OrganizationAdmin
from records.models import PointRule, ServiceRecord

from .models import Evaluation, MemberReport, Rating, ReportState, ReportTransition
from .services import (
    evaluation_texts,
    member_reports_prepare,
    organization_reports_prepare,
    registrations_overlapping,
)

TITLES = [
    ("入户走访独居老人", "other"),
    ("社区环境清洁志愿服务", "activity"),
    ("为困难家庭送电风扇", "wish"),
    ("为留守儿童送书包", "wish"),
    ("义诊与健康咨询", "other"),
    ("法律咨询进社区", "other"),
    ("夜间平安巡逻", "activity"),
    ("政策宣讲", "activity"),
    ("为76岁老人上门理发", "wish"),
    ("邻里纠纷调解", "other"),
]
ACCOUNTS = [
    (
        "参加社区组织的入户走访和平安巡逻，认领并完成了微心愿。",
        "更加了解群众的急难愁盼。",
        "下半年每月到社区服务不少于一次。",
    ),
    (
        "发挥专业特长开展义诊和健康讲座。",
        "在服务中增强了宗旨意识。",
        "继续参加志愿服务队，带动家人一起参与。",
    ),
]


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if ServiceRecord.objects.filter(source_key__startswith="demo:").exists():
        say("Reports: demo data already present; nothing to do.")
        return False
    rng = random.Random(4)  # noqa: S311 - demo data
    today = timezone.localdate()
    period = last_ended(today)
    with transaction.atomic():
        _rules(today)
        _demo_member_served_last_period(period)
        records = _records(rng, today, period)
        member_reports_prepare(period=period, notify=False)
        _states(rng, period)
        ratings = _evaluations(rng, period)
        # The half-year before it is settled: every report reviewed, every member rated, so
        # that the yearly reports of its year read real figures.
        earlier = period.previous()
        member_reports_prepare(period=earlier, notify=False)
        _states(rng, earlier, settled=True)
        ratings += _evaluations(rng, earlier)
        organization_reports_prepare(year=earlier.year)
    say(
        f"Reports: {records} service records, "
        f"{MemberReport.objects.count()} member reports, {ratings} evaluations."
    )
    return True


def _rules(today: datetime.date) -> None:
    start = datetime.date(today.year - 3, 1, 1)
    PointRule.objects.get_or_create(
        kind="", effective_from=start, defaults={"points_per_hour": Decimal(1), "note": "每小时1分"}
    )
    PointRule.objects.get_or_create(
        kind=ServiceRecord.Kind.WISH,
        effective_from=start,
        defaults={
            "points_per_record": 5,
            "points_per_hour": Decimal(1),
            "note": "每完成一个微心愿5分，另按时长每小时1分",
        },
    )


def _demo_member_served_last_period(period) -> None:
    """The demo member has served their community since before the last half-year, so that
    they have a draft to complete."""
    CommunityRegistration.objects.filter(
        member__user__username="demo_member",
        state=CommunityRegistration.State.CONFIRMED,
        decided_at__gt=period.start_datetime(),
    ).update(decided_at=period.start_datetime() - datetime.timedelta(days=30))


def _records(rng: random.Random, today: datetime.date, period) -> int:
    staff_by_community = dict(CommunityStaff.objects.values_list("community_id", "user_id"))
    rules = {r.kind: r for r in PointRule.objects.all()}
    periods = [period.previous(), period, period.next()]
    rows = []
    registrations = CommunityRegistration.objects.filter(
        state=CommunityRegistration.State.CONFIRMED
    ).values_list("member_id", "community_id", "member__user__username")
    for member_id, community_id, username in registrations:
        count = 4 if username == "demo_member" else rng.choice([0, 1, 2, 2, 3, 4])
        for i in range(count):
            p = rng.choice(periods)
            span = (min(p.end, today) - p.start).days
            if span < 0:
                continue
            served = p.start + datetime.timedelta(days=rng.randint(0, span))
            title, kind = rng.choice(TITLES)
            hours = Decimal(rng.choice(["1.0", "1.5", "2.0", "2.5", "3.0", "4.0"]))
            rule = rules.get(kind) or rules.get("")
            rows.append(
                ServiceRecord(
                    member_id=member_id,
                    community_id=community_id,
                    served_on=served,
                    hours=hours,
                    points=rule.points(hours) if rule else int(hours),
                    kind=kind,
                    source=ServiceRecord.Source.STAFF,
                    source_key=f"demo:{member_id}:{i}",
                    title=title,
                    created_by_id=staff_by_community.get(community_id),
                )
            )
    ServiceRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _states(rng: random.Random, period, *, settled: bool = False) -> None:
    """Spread the half-year's reports over every state, each step recorded (a settled
    half-year's are all submitted and approved)."""
    reviewers = dict(
        OrganizationAdmin.objects.order_by("organization__path").values_list(
            "organization__path", "user_id"
        )
    )
    reports = list(
        MemberReport.objects.filter(year=period.year, half=period.half)
        .exclude(member__user__username="demo_member")
        .select_related("member__branch")
    )
    now = timezone.now()
    # The drafts were prepared by the night job after the period ended.
    prepared = min(period.end_datetime() + datetime.timedelta(hours=2), now)
    MemberReport.objects.filter(year=period.year, half=period.half).update(
        created_at=prepared, updated_at=prepared
    )
    ReportTransition.objects.filter(
        report__year=period.year, report__half=period.half, to_state=ReportState.DRAFT
    ).update(at=prepared)
    window = max((now - prepared).total_seconds(), 0)
    steps = []
    for report in reports:
        roll = 0.62 + 0.38 * rng.random() if settled else rng.random()
        if roll < 0.35:
            continue  # still a draft
        did, learned, plans = rng.choice(ACCOUNTS)
        report.did, report.learned, report.plans = did, learned, plans
        report.state = ReportState.SUBMITTED
        report.submitted_at = prepared + datetime.timedelta(seconds=rng.uniform(0.05, 0.6) * window)
        steps.append(
            ReportTransition(
                report=report,
                from_state=ReportState.DRAFT,
                to_state=ReportState.SUBMITTED,
                by_id=report.member.user_id,
                at=report.submitted_at,
            )
        )
        reviewer = next(
            (uid for path, uid in reviewers.items() if report.member.branch.path.startswith(path)),
            None,
        )
        if roll < 0.55 or reviewer is None:
            continue  # waiting for review
        report.reviewed_by_id = reviewer
        report.reviewed_at = min(report.submitted_at + datetime.timedelta(days=2), now)
        if roll < 0.62:
            report.state = ReportState.RETURNED
            report.review_comment = "请补充参加服务的具体事例和下步打算。"
        else:
            report.state = ReportState.APPROVED
        steps.append(
            ReportTransition(
                report=report,
                from_state=ReportState.SUBMITTED,
                to_state=report.state,
                by_id=reviewer,
                at=report.reviewed_at,
                comment=report.review_comment,
            )
        )
    MemberReport.objects.bulk_update(
        reports,
        [
            "did",
            "learned",
            "plans",
            "state",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ],
        batch_size=1000,
    )
    ReportTransition.objects.bulk_create(steps, batch_size=2000)


def _evaluations(rng: random.Random, period) -> int:
    staff_by_community = dict(CommunityStaff.objects.values_list("community_id", "user_id"))
    pairs = set(
        registrations_overlapping(period).values_list("member_id", "community_id").distinct()
    )
    rows = []
    for member_id, community_id in sorted(pairs):
        if rng.random() < 0.3:
            continue
        rating = rng.choices(
            [Rating.EXCELLENT, Rating.QUALIFIED, Rating.BASICALLY_QUALIFIED, Rating.UNQUALIFIED],
            weights=[30, 60, 8, 2],
        )[0]
        rows.append(
            Evaluation(
                member_id=member_id,
                community_id=community_id,
                year=period.year,
                half=period.half,
                rating=rating,
                comment="服务热情，群众满意" if rating == Rating.EXCELLENT else "",
                rated_by_id=staff_by_community.get(community_id),
            )
        )
    Evaluation.objects.bulk_create(rows, batch_size=2000)
    # The prepared reports show the ratings to their reviewers.

    texts = evaluation_texts(period)
    reports = [
        r
        for r in MemberReport.objects.filter(year=period.year, half=period.half)
        if r.member_id in texts
    ]
    for report in reports:
        report.evaluation = texts.get(report.member_id, "")
    MemberReport.objects.bulk_update(reports, ["evaluation"], batch_size=1000)
    return len(rows)
