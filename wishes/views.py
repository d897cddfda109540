"""Pages of the micro-wishes app. Thin: fetch through the permission module, call a service,
turn a domain error into a message (core.views.run_service)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.forms import errors_as_messages
from core.http import client_ip
from core.once import already_saved_message, create_once
from core.pagecache import cache_public_page, user_page
from core.pagination import CachedCountPaginator, page_of
from core.ratelimit import rate_limit_retry_after, rate_limit_take
from core.views import run_service
from members.access import can, get_for_user_or_404, get_roles, staff_community_or_403
from members.models import Community

from . import selectors, services
from .filters import StaffWishFilter, WallFilter
from .forms import (
    BulkActionForm,
    ClaimForm,
    ConfirmForm,
    FulfilForm,
    PostWishForm,
    PublicWishForm,
    ReasonForm,
    SatisfactionForm,
    TrackForm,
    WishDetailsForm,
)
from .models import Claim, ProofPhoto, Wish
from .permissions import open_claim_of
from .services import WishError

PAGE_SIZE = 20


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------
@cache_public_page
def wall(request):
    """The public wish wall: open, in-progress and recently completed wishes, anonymized."""
    filterset = WallFilter(request.GET or None, queryset=selectors.wall_wishes())
    key = hashlib.sha256(_querystring(request).encode()).hexdigest()[:32]
    paginator = CachedCountPaginator(filterset.qs, PAGE_SIZE, cache_key=f"wishes:wall-count:{key}")
    page = paginator.get_page(request.GET.get("page"))
    # Visitors get it from the public cache; a signed-in user from their own (user_page).
    return user_page(
        request,
        "wishes/wall.html",
        {"filter": filterset, "page": page, "querystring": _querystring(request)},
    )


COMMUNITY_WISHES_SHOWN = 6


def community_wishes(request, pk):
    """The wishes of one community (open, in progress and recently completed), for the
    community's page to show (loaded there by htmx; members is below wishes) with the ways to
    ask for help and to follow a wish."""
    community = get_for_user_or_404(request.user, Community.objects.filter(is_active=True), pk=pk)
    wishes = list(selectors.wall_wishes().filter(community=community)[: COMMUNITY_WISHES_SHOWN + 1])
    return render(
        request,
        "wishes/_community_wishes.html",
        {
            "community": community,
            "wishes": wishes[:COMMUNITY_WISHES_SHOWN],
            "more": len(wishes) > COMMUNITY_WISHES_SHOWN,
        },
    )


@cache_public_page
def stories(request):
    """Fulfilled wishes with the proof photos staff approved."""
    paginator = CachedCountPaginator(selectors.story_wishes(), 12, cache_key="wishes:stories-count")
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "wishes/stories.html", {"page": page})


@cache_public_page
def detail(request, pk):
    wish = selectors.wish_for_page(user=request.user, pk=pk)
    user = request.user
    show_contact = user.is_authenticated and can(user, "wishes.wish.view_contact", wish)
    if show_contact:
        # Logged on every visit, the page kept in the cache or not.
        services.contact_access_record(user=user, wish=wish, client=client_ip(request))
    # Kept for a minute per user (core.pagecache.user_page), visitors' in the public cache.
    return user_page(
        request, "wishes/detail.html", lambda: _detail_context(user, wish, show_contact)
    )


def _detail_context(user, wish, show_contact) -> dict:
    is_staff = can(user, "wishes.wish.manage", wish)
    open_claim = open_claim_of(wish)
    acts_for_open_claim = bool(open_claim) and can(user, "wishes.claim.act", open_claim)
    may_claim = (
        user.is_authenticated and wish.is_open_to_claims and can(user, "wishes.wish.claim", wish)
    )
    claim_form = ClaimForm(user=user, wish=wish) if may_claim else None
    elsewhere = False
    if claim_form is not None:
        # A member of another community with no team or organization to claim for is told so
        # instead of being offered a form that would be refused.
        roles = get_roles(user)
        options = [v for v, _label in claim_form.fields["claim_as"].choices]
        if options == ["member"] and not services.member_serves(roles.member, wish.community_id):
            claim_form, may_claim, elsewhere = None, False, True
    completed_claim = None
    if wish.state == Wish.State.COMPLETED:
        completed_claim = (
            wish.claims.filter(state=Claim.State.COMPLETED)
            .select_related("member", "team", "organization", "claimed_by")
            .first()
        )
    completed_details = bool(completed_claim) and can(
        user, "wishes.claim.view_details", completed_claim
    )
    # Staff, and whoever acts for the open claim, see every proof photo of the claim; everyone
    # else only the approved ones of a completed wish.
    claim_for_photos = open_claim or completed_claim
    if (is_staff or acts_for_open_claim) and claim_for_photos is not None:
        photos = list(claim_for_photos.photos.all())
    elif completed_claim is not None:
        photos = list(completed_claim.photos.filter(is_approved=True))
    else:
        photos = []
    return {
        "wish": wish,
        "is_staff": is_staff,
        "show_contact": show_contact,
        "show_photo": bool(wish.photo) and (wish.photo_is_public or is_staff or show_contact),
        "open_claim": open_claim,
        "open_claim_details": bool(open_claim)
        and can(user, "wishes.claim.view_details", open_claim),
        "completed_claim": completed_claim,
        "completed_claim_details": completed_details,
        "completed_note_shown": bool(completed_claim)
        and (completed_details or completed_claim.note_is_public),
        "acts_for_open_claim": acts_for_open_claim,
        "can_fulfil": acts_for_open_claim and open_claim.is_active,
        "may_claim": may_claim,
        "login_to_claim": not user.is_authenticated and wish.is_open_to_claims,
        "can_edit": is_staff and wish.is_editable,
        "can_confirm": is_staff and wish.awaits_confirmation,
        "can_cancel": is_staff and wish.is_cancellable,
        "claim_form": claim_form,
        "claim_elsewhere": elsewhere,
        "photos": photos,
        "transitions": selectors.wish_history(user=user, wish=wish),
        "reason_form": ReasonForm(),
        "satisfaction_form": SatisfactionForm(
            initial={"score": wish.satisfaction, "comment": wish.satisfaction_comment}
        )
        if is_staff and wish.state == Wish.State.COMPLETED
        else None,
    }


# The wish a resident just sent, for the thanks page (its tracking code).
SUBMITTED_SESSION_KEY = "wishes:submitted"


def _community_from(data) -> Community | None:
    """The community a refused form named (to say whom to call), if it names a real one."""
    pk = str(data.get("community", ""))
    if not pk.isdigit():
        return None
    return Community.objects.filter(pk=int(pk), is_active=True).first()


@cache_public_page
def submit(request):
    """群众点单: a resident without an account submits a wish for the staff to review. The
    empty form is served from the public cache, each time with a token of its own."""
    if request.method == "POST":
        # Every post counts, stored or not (a refused one can cost a decode too: a photo that
        # breaks at its last row), and before any work: of simultaneous posts, only the limit
        # get through.
        rate = settings.PUBLIC_FORM_RATE
        if not rate_limit_take(scope="public-wish", client=client_ip(request), rate=rate):
            # What was typed, without the files: a refused post decodes nothing. The page says
            # when to try again and whom to call meanwhile.
            form = PublicWishForm(request.POST)
            minutes = max(1, round(rate_limit_retry_after(rate=rate) / 60))
            context = {
                "form": form,
                "refused": True,
                "retry_minutes": minutes,
                "refused_community": _community_from(request.POST),
            }
            response = render(request, "wishes/submit.html", context, status=429)
            response["Retry-After"] = str(minutes * 60)
            return response
        form = PublicWishForm(request.POST, request.FILES)
        if form.is_bot:
            # Pretend success: the bot learns nothing, nothing is stored (but it was counted).
            return redirect("wishes:submit_done")
        if form.is_valid():
            data = form.cleaned_data
            resent = selectors.public_wish_sent_again(
                community=data["community"], phone=data["phone"], title=data["title"]
            )
            if resent is not None:
                wish, created = resent, False
            else:
                wish, created = create_once(
                    Wish,
                    data["submission"],
                    lambda: services.wish_submit_public(
                        community=data["community"],
                        name=data["name"],
                        phone=data["phone"],
                        address=data["address"],
                        title=data["title"],
                        description=data["description"],
                        category=data["category"],
                        photo=data["photo"],
                        submission=data["submission"],
                    ),
                )
            if not created:
                messages.info(
                    request,
                    _(
                        "You had already sent this wish: it was saved once, with the tracking "
                        "code below. It was not saved a second time."
                    ),
                )
            request.session[SUBMITTED_SESSION_KEY] = wish.pk
            return redirect("wishes:submit_done")
    else:
        form = PublicWishForm(initial={"community": request.GET.get("community")})
    return render(request, "wishes/submit.html", {"form": form})


def submit_done(request):
    """The thanks page: the tracking code of the wish just sent and the number to call."""
    pk = request.session.get(SUBMITTED_SESSION_KEY)
    wish = (
        Wish.objects.filter(pk=pk, source=Wish.Source.PUBLIC).select_related("community").first()
        if isinstance(pk, int)
        else None
    )
    return render(request, "wishes/submit_done.html", {"wish": wish})


def track(request):
    """群众点单 tracking: the tracking code and the last four digits of the phone show where the
    wish is, nothing personal. Rate limited; a wrong code and wrong digits read the same."""
    wish = None
    not_found = False
    if request.method == "POST":
        form = TrackForm(request.POST)
        rate = settings.TRACKING_RATE
        if not rate_limit_take(scope="wish-track", client=client_ip(request), rate=rate):
            minutes = max(1, round(rate_limit_retry_after(rate=rate) / 60))
            messages.error(
                request,
                ngettext(
                    "Too many tries from your connection. Please try again in %(n)s minute, "
                    "or call your community's office.",
                    "Too many tries from your connection. Please try again in %(n)s minutes, "
                    "or call your community's office.",
                    minutes,
                )
                % {"n": minutes},
            )
            response = render(request, "wishes/track.html", {"form": form}, status=429)
            response["Retry-After"] = str(minutes * 60)
            return response
        if form.is_valid():
            wish = selectors.tracked_wish(
                code=form.cleaned_data["code"], last4=form.cleaned_data["last4"]
            )
            not_found = wish is None
    else:
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
    return render(
        request, "wishes/track.html", {"form": form, "wish": wish, "not_found": not_found}
    )


def photo(request, kind, pk, size):
    """Serve a wish or proof photo to those who may see it (media is not public)."""
    user = request.user
    if kind not in ("wish", "proof"):
        raise Http404
    if kind == "wish":
        wish = get_for_user_or_404(user, Wish.objects.all(), pk=pk)
        allowed = wish.photo_is_public or (
            user.is_authenticated
            and (
                can(user, "wishes.wish.manage", wish) or can(user, "wishes.wish.view_contact", wish)
            )
        )
        field = wish.photo_thumb if size == "thumb" else wish.photo
    else:
        try:
            proof = ProofPhoto.objects.select_related("claim__wish").get(pk=pk)
        except ProofPhoto.DoesNotExist:
            raise Http404 from None
        wish = proof.claim.wish
        allowed = (proof.is_approved and wish.state == Wish.State.COMPLETED) or (
            user.is_authenticated
            and (
                can(user, "wishes.wish.manage", wish) or can(user, "wishes.claim.act", proof.claim)
            )
        )
        field = proof.thumbnail if size == "thumb" else proof.image
    if not allowed or not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# Claimants
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def claim(request, pk):
    wish = get_for_user_or_404(request.user, Wish.objects.select_related("community"), pk=pk)
    if not can(request.user, "wishes.wish.claim", wish):
        messages.error(request, _("This wish is not open to claims."))
        return redirect(wish)
    form = ClaimForm(request.POST, user=request.user)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(wish)
    team, organization = form.claimant()
    run_service(
        request,
        services.wish_claim,
        wish=wish,
        by=request.user,
        promised_date=form.cleaned_data["promised_date"],
        team=team,
        organization=organization,
        success=_("You claimed this wish. Thank you!"),
    )
    return redirect(wish)


def _claim_for_actor(request, pk) -> Claim:
    claim = get_for_user_or_404(
        request.user,
        Claim.objects.select_related("wish", "wish__community", "team", "organization", "member"),
        pk=pk,
    )
    if not can(request.user, "wishes.claim.act", claim):
        raise Http404
    return claim


@login_required
def my_claims(request):
    claims = selectors.my_claims(user=request.user)
    return user_page(
        request, "wishes/my_claims.html", lambda: {"page": page_of(request, claims, PAGE_SIZE)}
    )


@login_required
def fulfil(request, pk):
    claim = _claim_for_actor(request, pk)
    if request.method == "POST":
        form = FulfilForm(request.POST, request.FILES)
        if form.is_valid():
            run_service(
                request,
                services.claim_fulfil,
                claim=claim,
                by=request.user,
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
                success=_("Thank you! The community will confirm it soon."),
            )
            return redirect("wishes:my_claims")
    else:
        form = FulfilForm()
    return render(request, "wishes/fulfil.html", {"claim": claim, "wish": claim.wish, "form": form})


@login_required
@require_POST
def release(request, pk):
    claim = _claim_for_actor(request, pk)
    run_service(
        request,
        services.claim_release,
        claim=claim,
        by=request.user,
        reason=request.POST.get("reason", "")[:300],
        success=_("You released the wish; others can claim it now."),
    )
    return redirect("wishes:my_claims")


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------
def _staff_wish(request, pk) -> Wish:
    wish = get_for_user_or_404(
        request.user, Wish.objects.select_related("community", "resident"), pk=pk
    )
    if not can(request.user, "wishes.wish.manage", wish):
        raise Http404
    return wish


@login_required
def staff_list(request):
    community = staff_community_or_403(request.user)

    def context():
        filterset = StaffWishFilter(
            request.GET or None, queryset=selectors.staff_wishes(user=request.user)
        )
        # The total (for "page 1 of n") is counted at most once a minute per filter: the rows
        # are read fresh, from the index wish_staff_list, one page at a time.
        key = hashlib.sha256(f"{community.pk}?{_querystring(request)}".encode()).hexdigest()[:32]
        paginator = CachedCountPaginator(
            filterset.qs, PAGE_SIZE, cache_key=f"wishes:staff-count:{key}"
        )
        return {
            "community": community,
            "filter": filterset,
            "page": paginator.get_page(request.GET.get("page")),
            "querystring": _querystring(request),
            "states": Wish.State,
        }

    return user_page(request, "wishes/staff_list.html", context)


@login_required
@require_POST
def staff_bulk(request):
    staff_community_or_403(request.user)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("wishes:staff_list")
    wishes = selectors.staff_wishes(user=request.user).filter(pk__in=form.cleaned_data["ids"])
    done, failed = 0, 0
    for wish in wishes:
        try:
            if form.cleaned_data["action"] == "publish":
                services.wish_publish(wish=wish, by=request.user)
            else:
                services.wish_cancel(wish=wish, by=request.user, reason=form.cleaned_data["reason"])
            done += 1
        except WishError:
            failed += 1
    messages.success(request, _("%(n)s wishes updated.") % {"n": done})
    if failed:
        messages.warning(
            request, _("%(n)s wishes were skipped: their state does not allow it.") % {"n": failed}
        )
    return redirect("wishes:staff_list")


@login_required
def review_queue(request):
    staff_community_or_403(request.user)

    def context():
        wishes = selectors.staff_wishes(user=request.user).filter(state=Wish.State.SUBMITTED)
        return {"page": page_of(request, wishes, PAGE_SIZE)}

    return user_page(request, "wishes/review_queue.html", context)


def _resident_from_form(form, community, by):
    data = form.cleaned_data
    if data.get("resident"):
        return data["resident"]
    return services.resident_create(
        community=community,
        name=data["new_name"].strip(),
        phone=data["new_phone"],
        address=data["new_address"],
        hardship_categories=data["new_hardship"],
        by=by,
    )


@login_required
def post_wish(request):
    community = staff_community_or_403(request.user)
    if request.method == "POST":
        form = PostWishForm(request.POST, request.FILES, community=community)
        if form.is_valid():
            data = form.cleaned_data

            def post():
                resident = _resident_from_form(form, community, request.user)
                return services.wish_post(
                    community=community,
                    resident=resident,
                    by=request.user,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    estimated_value=data["estimated_value"],
                    deadline=data["deadline"],
                    photo=data["photo"],
                    photo_is_public=data["photo_is_public"],
                    submission=data["submission"],
                )

            # One transaction: a resend makes neither a second wish nor a second resident.
            wish, created = create_once(Wish, data["submission"], post)
            if created:
                messages.success(request, _("The wish is published."))
            else:
                messages.info(request, already_saved_message(wish))
            return redirect(wish)
    else:
        form = None  # a blank one, made only when the page is rendered
    return user_page(
        request,
        "wishes/post.html",
        lambda: {
            "form": form if form is not None else PostWishForm(community=community),
            "community": community,
        },
    )


@login_required
def review(request, pk):
    """Edit a submitted wish, then publish it or reject it with a reason."""
    wish = _staff_wish(request, pk)
    if not wish.is_editable:
        messages.error(request, _("This wish can no longer be edited."))
        return redirect(wish)
    reject_form = ReasonForm()
    if request.method == "POST" and request.POST.get("action") == "reject":
        reject_form = ReasonForm(request.POST)
        form = WishDetailsForm(instance=wish, community=wish.community)
        if reject_form.is_valid() and run_service(
            request,
            services.wish_reject,
            wish=wish,
            by=request.user,
            reason=reject_form.cleaned_data["reason"],
            success=_("The submission was rejected."),
        ):
            return redirect("wishes:review_queue")
    elif request.method == "POST":
        form = WishDetailsForm(request.POST, request.FILES, instance=wish, community=wish.community)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    resident = _resident_from_form(form, wish.community, request.user)
                    services.wish_update(
                        wish=wish,
                        by=request.user,
                        photo=data["photo"],
                        resident=resident,
                        title=data["title"],
                        description=data["description"],
                        category=data["category"],
                        estimated_value=data["estimated_value"],
                        deadline=data["deadline"],
                        photo_is_public=data["photo_is_public"],
                    )
                    if request.POST.get("action") == "publish" and wish.awaits_review:
                        services.wish_publish(wish=wish, by=request.user)
            except WishError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect(wish)
    else:
        form = WishDetailsForm(instance=wish, community=wish.community)
    return render(
        request, "wishes/review.html", {"wish": wish, "form": form, "reject_form": reject_form}
    )


@login_required
@require_POST
def cancel(request, pk):
    wish = _staff_wish(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect(wish)
    run_service(
        request,
        services.wish_cancel,
        wish=wish,
        by=request.user,
        reason=form.cleaned_data["reason"],
        success=_("The wish is cancelled."),
    )
    return redirect(wish)


@login_required
def confirm(request, pk):
    """Confirm a fulfilled wish (completed, service recorded) or send it back with a reason."""
    wish = _staff_wish(request, pk)
    claim = (
        Claim.objects.select_related("member", "team", "organization", "claimed_by")
        .filter(wish=wish, state=Claim.State.FULFILLED)
        .first()
    )
    if claim is None:
        messages.error(request, _("This wish is not waiting for confirmation."))
        return redirect(wish)
    reason_form = ReasonForm()
    if request.method == "POST" and request.POST.get("action") == "send_back":
        form = ConfirmForm(claim=claim)
        reason_form = ReasonForm(request.POST)
        if reason_form.is_valid() and run_service(
            request,
            services.wish_send_back,
            wish=wish,
            by=request.user,
            reason=reason_form.cleaned_data["reason"],
            success=_("The wish was sent back to the claimant."),
        ):
            return redirect(wish)
    elif request.method == "POST":
        form = ConfirmForm(request.POST, claim=claim)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Confirming and the resident's satisfaction are one step (both or neither).
                with transaction.atomic():
                    services.wish_confirm(
                        wish=wish,
                        by=request.user,
                        hours=Decimal(data["hours"]),
                        participants=list(data.get("participants") or []),
                        approved_photo_ids=[p.pk for p in data.get("approved_photos", [])],
                        publish_note=bool(data.get("publish_note")),
                    )
                    if data.get("score"):
                        services.wish_record_satisfaction(
                            wish=wish,
                            by=request.user,
                            score=data["score"],
                            comment=data.get("comment") or "",
                        )
            except WishError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Confirmed: the wish is completed."))
                return redirect(wish)
    else:
        # No photo is public until staff tick it: it may show the resident.
        initial = {}
        if claim.claimant_kind != Claim.ClaimantKind.MEMBER and claim.member_id:
            initial["participants"] = [claim.member_id]
        form = ConfirmForm(claim=claim, initial=initial)
    return render(
        request,
        "wishes/confirm.html",
        {
            "wish": wish,
            "claim": claim,
            "form": form,
            "reason_form": reason_form,
        },
    )


@login_required
@require_POST
def satisfaction(request, pk):
    wish = _staff_wish(request, pk)
    form = SatisfactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return redirect(wish)
    run_service(
        request,
        services.wish_record_satisfaction,
        wish=wish,
        by=request.user,
        score=form.cleaned_data["score"],
        comment=form.cleaned_data["comment"],
        success=_("The resident's satisfaction is recorded."),
    )
    return redirect(wish)


@login_required
def export(request):
    """The community's wishes (as filtered) as an Excel workbook."""
    community = staff_community_or_403(request.user)
    filterset = StaffWishFilter(
        request.GET or None, queryset=selectors.staff_wishes(user=request.user)
    )
    headers = [
        _("Number"),
        _("Title"),
        _("Category"),
        _("State"),
        _("Resident"),
        _("Deadline"),
        _("Estimated value (yuan)"),
        _("Claimed by"),
        _("Promised date"),
        _("Created at"),
        _("Completed at"),
        _("Service hours"),
        _("Satisfaction"),
    ]

    def rows():
        for wish in filterset.qs:
            claim = wish.current_claims[0] if wish.current_claims else None
            yield [
                wish.pk,
                wish.title,
                wish.get_category_display(),
                wish.get_state_display(),
                wish.resident.name,
                wish.deadline,
                wish.estimated_value,
                claim.claimant_name if claim else "",
                claim.promised_date if claim else None,
                wish.created_at,
                wish.completed_at,
                wish.service_hours,
                wish.satisfaction,
            ]

    return xlsx_response(
        filename=f"wishes-{community.pk}-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Wishes"),
        headers=headers,
        rows=rows(),
    )
