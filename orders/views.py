"""Pages of the orders app. Thin: fetch through the permission module, call a service, turn a
domain error into a message (core.views.run_service)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import personal_data_viewed
from core.exports import xlsx_stream_response
from core.forms import errors_as_messages
from core.http import client_ip
from core.once import already_saved_message, create_once
from core.pagecache import app_pages_key, cache_public_page, user_page
from core.pagination import page_of
from core.ratelimit import rate_limit_take
from core.views import run_service
from members.access import can, get_for_user_or_404, get_roles, staff_community_or_403
from members.models import Community, ServiceTeam
from members.selectors import community_list

from . import selectors, services
from .forms import (
    CompleteForm,
    ConfirmHoursForm,
    DispatchForm,
    GrabForm,
    MenuCategoryForm,
    MenuItemForm,
    PassOnForm,
    PublicOrderForm,
    RatingForm,
    ReasonForm,
    StaffOrderForm,
    TrackedRatingForm,
    TrackForm,
)
from .models import Dispatch, MenuCategory, MenuItem, OrderPhoto, ServiceOrder
from .permissions import accepted_dispatch_of, offered_dispatch_of

PAGE_SIZE = 20
# The staff's and members' pages of orders are kept for a minute per user until a row of the app
# changes (core.pagecache.user_page, watch_app_pages).
PAGES = [app_pages_key("orders")]
SESSION_THANKS = "orders_thanks"


# ---------------------------------------------------------------------------------------------
# Residents (no account)
# ---------------------------------------------------------------------------------------------
# The entry page lists this many communities a page (a city has thousands), with a search.
START_PAGE_SIZE = 30


@cache_public_page
def start(request):
    """Which community's menu: the entry page of 点单 (a QR poster links a community's menu),
    one page of communities at a time, found by name."""
    search = request.GET.get("q", "").strip()[:40]
    page = page_of(request, community_list(search=search), START_PAGE_SIZE)
    return render(
        request,
        "orders/start.html",
        {"page": page, "search": search, "querystring": urlencode({"q": search}) if search else ""},
    )


def menu(request, community_pk):
    community = get_object_or_404(Community, pk=community_pk, is_active=True)
    return render(
        request,
        "orders/menu.html",
        {"community": community, "categories": selectors.community_menu(community=community)},
    )


def order_new(request, community_pk):
    """群众点单: a resident orders a service from the community's menu, without an account.
    The wish form's protections: a rate limit on the real client address counted before any
    work, a bot trap, what was typed kept, and one order per form however often it is sent."""
    community = get_object_or_404(Community, pk=community_pk, is_active=True)
    via = request.POST.get("via") or request.GET.get("via")
    channel = ServiceOrder.Channel.QR if via == "qr" else ServiceOrder.Channel.ONLINE
    if request.method == "POST":
        form = PublicOrderForm(request.POST, community=community)
        if not rate_limit_take(
            scope="public-order", client=client_ip(request), rate=settings.PUBLIC_FORM_RATE
        ):
            messages.error(
                request, _("Too many submissions from your connection. Please try again later.")
            )
            return render(
                request,
                "orders/order_form.html",
                {"form": form, "community": community},
                status=429,
            )
        if form.is_bot:
            return redirect("orders:thanks")
        if form.is_valid():
            data = form.cleaned_data
            order, created = create_once(
                ServiceOrder,
                data["submission"],
                lambda: services.order_submit(
                    item=data["item"],
                    community=community,
                    name=data["name"],
                    phone=data["phone"],
                    address=data["address"],
                    description=data["description"],
                    preferred_time=data["preferred_time"],
                    urgency=data["urgency"],
                    channel=channel,
                    submission=data["submission"],
                ),
            )
            if not created:
                messages.info(request, _("This order was already sent. It was not sent twice."))
            request.session[SESSION_THANKS] = order.code
            return redirect("orders:thanks")
    else:
        form = PublicOrderForm(community=community, initial={"item": request.GET.get("item")})
    return render(
        request,
        "orders/order_form.html",
        {"form": form, "community": community, "via_qr": channel == ServiceOrder.Channel.QR},
    )


def thanks(request):
    """The tracking code, shown once to the browser that ordered (kept in its session)."""
    code = request.session.get(SESSION_THANKS)
    order = ServiceOrder.objects.filter(code=code).first() if code else None
    return render(request, "orders/thanks.html", {"order": order})


def _track_limited(request) -> bool:
    return not rate_limit_take(
        scope="order-track", client=client_ip(request), rate=settings.ORDERS_TRACK_RATE
    )


def track(request):
    """The resident follows the order by its code and the last 4 digits of the phone given, and
    rates it once done (评单: the rating form posts the code and digits again). A wrong code and
    wrong digits get the same answer; every lookup counts against a rate limit. No personal
    data is shown: the state, the serving team or unit (a member as 张某), the steps."""
    order, status, not_found = None, 200, False
    if request.method == "POST":
        form = TrackedRatingForm(request.POST)
        if _track_limited(request):
            messages.error(request, _("Too many lookups from your connection. Please try later."))
            return render(request, "orders/track.html", {"form": TrackForm()}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            order = selectors.order_by_tracking(code=data["code"], last4=data["last4"])
            not_found = order is None
            if not_found:
                status = 404
            elif data.get("rating"):
                run_service(
                    request,
                    services.order_rate,
                    order=order,
                    rating=data["rating"],
                    comment=data.get("comment", ""),
                    success=_("Thank you for your rating!"),
                )
        last4 = form.cleaned_data.get("last4") if order is not None else None
        # The lookup form as typed (without the rating's fields), errors and all.
        form = TrackForm(request.POST)
    else:
        form, last4 = TrackForm(initial={"code": request.GET.get("code", "")}), None
    context = {"form": form, "order": order, "not_found": not_found}
    if order is not None:
        order.refresh_from_db()
        context.update(
            assignee=selectors.tracking_assignee(order),
            history=selectors.public_history(order),
            rating_form=TrackedRatingForm(initial={"code": order.code, "last4": last4})
            if order.is_rateable and order.rating is None
            else None,
        )
    return render(request, "orders/track.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# One order's page (staff, assignees, overseers)
# ---------------------------------------------------------------------------------------------
@login_required
def detail(request, pk):
    order = selectors.order_for_page(user=request.user, pk=pk)
    user = request.user
    if not can(user, "orders.order.view", order):
        raise Http404
    manage = can(user, "orders.order.manage", order)
    may_dispatch = can(user, "orders.order.dispatch", order)
    offered = offered_dispatch_of(order)
    accepted = accepted_dispatch_of(order)
    serves = can(user, "orders.order.serve", order)
    show_contact = can(user, "orders.order.view_contact", order)
    if show_contact:
        personal_data_viewed(
            user=user, what="order requester", ids=[order.requester_id], purpose="order page"
        )
    may_answer = offered is not None and can(user, "orders.dispatch.answer", offered)
    may_pass_on = offered is not None and can(user, "orders.dispatch.pass_on", offered)
    context = {
        "order": order,
        "manage": manage,
        "show_contact": show_contact,
        "offered": offered,
        "accepted": accepted,
        "can_accept": manage and order.awaits_acceptance,
        "can_dispatch": may_dispatch and (order.awaits_dispatch or order.is_offered),
        "can_cancel": manage and order.is_cancellable,
        "can_hold": manage and order.is_holdable,
        "can_resume": manage and order.is_on_hold,
        "can_confirm": manage and order.awaits_hours,
        "can_record_rating": manage and order.is_rateable and order.rating is None,
        "may_answer": may_answer,
        "may_pass_on": may_pass_on,
        "can_grab": order.is_grabbable and can(user, "orders.order.grab", order),
        "can_start": serves and order.is_taken,
        "can_complete": serves and (order.is_taken or order.is_in_service),
        "history": selectors.order_history(order=order) if manage or serves else [],
        "dispatches": selectors.order_dispatches(order=order) if manage else [],
        "photos": list(order.photos.all()) if manage or serves else [],
        "reason_form": ReasonForm(),
    }
    if context["can_dispatch"]:
        context["suggestions"] = selectors.dispatch_suggestions(order=order)
        context["dispatch_form"] = DispatchForm(targets=selectors.dispatch_targets(order=order))
        context["grab_form"] = GrabForm(
            teams=ServiceTeam.objects.filter(community_id=order.community_id).order_by("name")
        )
    if may_pass_on:
        context["pass_on_form"] = PassOnForm(members=selectors.unit_members(dispatch=offered))
    if context["can_confirm"]:
        context["confirm_form"] = ConfirmHoursForm(
            participations=order.participations.select_related("member")
        )
    if context["can_record_rating"]:
        context["rating_form"] = RatingForm()
    return render(request, "orders/detail.html", context)


def _order_for(request, pk) -> ServiceOrder:
    return get_for_user_or_404(
        request.user,
        ServiceOrder.objects.select_related("community__subdistrict", "item", "grab_team"),
        pk=pk,
    )


def _dispatch_for(request, pk) -> Dispatch:
    return get_for_user_or_404(
        request.user,
        Dispatch.objects.select_related("order__community", "team", "organization", "member"),
        pk=pk,
    )


@login_required
@require_POST
def accept(request, pk):
    order = _order_for(request, pk)
    run_service(
        request,
        services.order_accept,
        order=order,
        by=request.user,
        success=_("Accepted. Now dispatch it."),
    )
    return redirect(order)


def _reason_or_back(request, order):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return None
    return form.cleaned_data["reason"]


@login_required
@require_POST
def reject(request, pk):
    order = _order_for(request, pk)
    reason = _reason_or_back(request, order)
    if reason is not None:
        run_service(
            request,
            services.order_reject,
            order=order,
            by=request.user,
            reason=reason,
            success=_("Rejected. The resident reads the reason on the tracking page."),
        )
    return redirect(order)


@login_required
@require_POST
def cancel(request, pk):
    order = _order_for(request, pk)
    reason = _reason_or_back(request, order)
    if reason is not None:
        run_service(
            request,
            services.order_cancel,
            order=order,
            by=request.user,
            reason=reason,
            success=_("The order was cancelled."),
        )
    return redirect(order)


@login_required
@require_POST
def hold(request, pk):
    order = _order_for(request, pk)
    reason = _reason_or_back(request, order)
    if reason is not None:
        run_service(
            request,
            services.order_hold,
            order=order,
            by=request.user,
            reason=reason,
            success=_("On hold: the deadlines are paused."),
        )
    return redirect(order)


@login_required
@require_POST
def resume(request, pk):
    order = _order_for(request, pk)
    run_service(
        request,
        services.order_resume,
        order=order,
        by=request.user,
        success=_("Resumed: the deadlines moved on by the time on hold."),
    )
    return redirect(order)


@login_required
@require_POST
def dispatch(request, pk):
    order = _order_for(request, pk)
    if not can(request.user, "orders.order.dispatch", order):
        raise Http404
    form = DispatchForm(request.POST, targets=selectors.dispatch_targets(order=order))
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(order)
    data = form.cleaned_data
    run_service(
        request,
        services.order_dispatch,
        order=order,
        by=request.user,
        member=data["member"],
        team=data["team"],
        organization=data["organization"],
        insist=data["insist"],
        success=_("Offered. You will hear when it is answered."),
    )
    return redirect(order)


@login_required
@require_POST
def open_to_grab(request, pk):
    order = _order_for(request, pk)
    if not can(request.user, "orders.order.dispatch", order):
        raise Http404
    form = GrabForm(request.POST, teams=ServiceTeam.objects.filter(community_id=order.community_id))
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(order)
    run_service(
        request,
        services.order_open_to_grab,
        order=order,
        by=request.user,
        team=form.cleaned_data["team"],
        success=_("The order is open to grab."),
    )
    return redirect(order)


@login_required
@require_POST
def grab(request, pk):
    order = _order_for(request, pk)
    ok = run_service(
        request,
        services.order_grab,
        order=order,
        by=request.user,
        success=_("It is yours! Please get in touch with the resident."),
    )
    return redirect(order if ok else "orders:mine")


@login_required
@require_POST
def pass_on(request, pk):
    dispatch = _dispatch_for(request, pk)
    if not can(request.user, "orders.dispatch.pass_on", dispatch):
        raise Http404
    form = PassOnForm(request.POST, members=selectors.unit_members(dispatch=dispatch))
    if form.is_valid():
        run_service(
            request,
            services.order_dispatch,
            order=dispatch.order,
            by=request.user,
            member=form.cleaned_data["member"],
            success=_("Offered to the member."),
        )
    else:
        errors_as_messages(request, form)
    return redirect("orders:unit")


@login_required
@require_POST
def offer_accept(request, pk):
    dispatch = _dispatch_for(request, pk)
    run_service(
        request,
        services.dispatch_accept,
        dispatch=dispatch,
        by=request.user,
        success=_("You took the order. Thank you!"),
    )
    return redirect(dispatch.order)


@login_required
@require_POST
def offer_decline(request, pk):
    dispatch = _dispatch_for(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            services.dispatch_decline,
            dispatch=dispatch,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("Declined."),
        )
    else:
        errors_as_messages(request, form)
    return redirect("orders:mine")


@login_required
@require_POST
def start_service(request, pk):
    order = _order_for(request, pk)
    run_service(request, services.order_start, order=order, by=request.user, success=_("Started."))
    return redirect(order)


@login_required
def complete(request, pk):
    order = _order_for(request, pk)
    if not can(request.user, "orders.order.serve", order):
        raise Http404
    members = services.creditable_members(order).order_by("real_name")
    if request.method == "POST":
        form = CompleteForm(request.POST, request.FILES, members=members)
        if form.is_valid():
            ok = run_service(
                request,
                services.order_complete,
                order=order,
                by=request.user,
                note=form.cleaned_data["note"],
                hours=form.hours(),
                photos=form.cleaned_data["photos"],
                success=_("Thank you! The community will confirm the hours."),
            )
            if ok:
                return redirect(order)
    else:
        form = CompleteForm(members=members)
    return render(request, "orders/complete.html", {"order": order, "form": form})


@login_required
def confirm_hours(request, pk):
    """Staff confirm (or correct) the reported hours into service records."""
    order = _order_for(request, pk)
    if not can(request.user, "orders.order.manage", order):
        raise Http404
    participations = order.participations.select_related("member")
    form = ConfirmHoursForm(request.POST or None, participations=participations)
    if request.method == "POST" and form.is_valid():
        ok = run_service(
            request,
            services.order_confirm_hours,
            order=order,
            by=request.user,
            hours=form.hours(),
            success=_("Hours confirmed into service records."),
        )
        if ok:
            return redirect(order)
    return render(request, "orders/confirm_hours.html", {"order": order, "form": form})


@login_required
def record_rating(request, pk):
    """Staff record the rating a resident gave on a call."""
    order = _order_for(request, pk)
    if not can(request.user, "orders.order.manage", order):
        raise Http404
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = run_service(
            request,
            services.order_rate,
            order=order,
            by=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            success=_("The resident's rating was recorded."),
        )
        if ok:
            return redirect(order)
    return render(request, "orders/record_rating.html", {"order": order, "form": form})


@login_required
def photo(request, pk, size):
    row = get_object_or_404(OrderPhoto.objects.select_related("order"), pk=pk)
    user, order = request.user, row.order
    if not (can(user, "orders.order.manage", order) or can(user, "orders.order.serve", order)):
        raise Http404
    field = row.thumbnail if size == "thumb" else row.image
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# Members and organization admins
# ---------------------------------------------------------------------------------------------
@login_required
def mine(request):
    """Offers to me, the orders I serve, and the orders open to grab."""
    return user_page(
        request,
        "orders/mine.html",
        lambda: {
            "offers": list(selectors.offers_to_me(user=request.user)[:50]),
            "page": page_of(request, selectors.my_orders(user=request.user), PAGE_SIZE),
            "grabbable": list(selectors.grabbable_orders(user=request.user)[:50]),
            "reason_form": ReasonForm(),
        },
        generations=PAGES,
    )


@login_required
def unit(request):
    """Orders given to the organizations the user administers."""
    if not get_roles(request.user).is_org_admin:
        raise PermissionDenied
    page = page_of(request, selectors.unit_orders(user=request.user), PAGE_SIZE)
    offers = list(
        selectors.offers_to_me(user=request.user).filter(
            claimant_kind=Dispatch.ClaimantKind.ORGANIZATION
        )
    )
    for offer in offers:
        offer.pass_on_form = PassOnForm(members=selectors.unit_members(dispatch=offer))
    return render(
        request, "orders/unit.html", {"page": page, "offers": offers, "reason_form": ReasonForm()}
    )


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------
def _staff_page(request, template, orders, **context):
    community = staff_community_or_403(request.user)
    return user_page(
        request,
        template,
        lambda: {"community": community, "page": page_of(request, orders, PAGE_SIZE), **context},
        generations=PAGES,
    )


@login_required
def intake(request):
    return _staff_page(
        request, "orders/staff_intake.html", selectors.intake_queue(user=request.user), tab="intake"
    )


@login_required
def board(request):
    return _staff_page(
        request, "orders/staff_board.html", selectors.dispatch_board(user=request.user), tab="board"
    )


@login_required
def overdue(request):
    return _staff_page(
        request,
        "orders/staff_overdue.html",
        selectors.overdue_orders(user=request.user),
        tab="overdue",
    )


@login_required
def staff_export(request):
    """Every order of the staff's community, whatever its state, as an Excel workbook
    (streamed; no requester's contact details)."""
    community = staff_community_or_403(request.user)
    orders = selectors.staff_orders(user=request.user).order_by("-created_at", "-pk")
    names = [
        "code",
        "title",
        "item",
        "state",
        "urgency",
        "channel",
        "created_at",
        "accepted_at",
        "done_at",
        "closed_at",
        "escalation_level",
        "rating",
    ]
    field = ServiceOrder._meta.get_field

    def rows():
        for o in orders.iterator(chunk_size=2000):
            yield [
                o.code,
                o.title,
                o.item.name if o.item_id else "",
                o.get_state_display(),
                o.get_urgency_display(),
                o.get_channel_display(),
                o.created_at,
                o.accepted_at,
                o.done_at,
                o.closed_at,
                o.escalation_level,
                o.rating,
            ]

    return xlsx_stream_response(
        filename=f"orders-{community.pk}-{timezone.localdate():%Y%m%d}.xlsx",
        title=str(ServiceOrder._meta.verbose_name_plural),
        headers=[str(field(n).verbose_name) for n in names],
        rows=rows(),
    )


@login_required
def enter(request):
    """An order taken by phone, on a visit or at a stall."""
    community = staff_community_or_403(request.user)
    if request.method == "POST":
        form = StaffOrderForm(request.POST, community=community)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order, created = create_once(
                    ServiceOrder,
                    data["submission"],
                    lambda: services.order_submit(
                        item=data["item"],
                        community=community,
                        name=data["name"],
                        phone=data["phone"],
                        address=data["address"],
                        description=data["description"],
                        preferred_time=data["preferred_time"],
                        urgency=data["urgency"],
                        channel=data["channel"],
                        by=request.user,
                        submission=data["submission"],
                    ),
                )
            except services.OrderError as error:
                messages.error(request, error.message)
            else:
                if created:
                    messages.success(
                        request,
                        _("Order entered. Tell the resident the tracking code: %(code)s")
                        % {"code": order.display_code},
                    )
                else:
                    messages.info(request, already_saved_message(order))
                return redirect(order)
    else:
        form = None  # a blank one, made only when the page is rendered
    return user_page(
        request,
        "orders/staff_enter.html",
        lambda: {
            "form": form if form is not None else StaffOrderForm(community=community),
            "community": community,
            "tab": "enter",
        },
        generations=PAGES,
    )


@login_required
def menu_edit(request):
    """The community's menu: add a category or a service, rename, reorder, stop offering."""
    community = staff_community_or_403(request.user)
    if not can(request.user, "orders.menu.edit", community):
        raise PermissionDenied
    category_form = MenuCategoryForm(prefix="cat", instance=MenuCategory(community=community))
    item_form = MenuItemForm(prefix="item", community=community)
    if request.method == "POST":
        if "cat-name" in request.POST:
            category_form = MenuCategoryForm(
                request.POST, prefix="cat", instance=MenuCategory(community=community)
            )
            if category_form.is_valid():
                category_form.save()
                messages.success(request, _("Category added."))
                return redirect("orders:menu_edit")
        else:
            item_form = MenuItemForm(request.POST, prefix="item", community=community)
            if item_form.is_valid():
                item_form.save()
                messages.success(request, _("Service added."))
                return redirect("orders:menu_edit")
    categories = MenuCategory.objects.filter(community=community).prefetch_related("items")
    return render(
        request,
        "orders/staff_menu.html",
        {
            "community": community,
            "categories": categories,
            "category_form": category_form,
            "item_form": item_form,
            "tab": "menu",
        },
    )


@login_required
def menu_item_edit(request, pk):
    community = staff_community_or_403(request.user)
    item = get_object_or_404(MenuItem, pk=pk, category__community=community)
    form = MenuItemForm(request.POST or None, instance=item, community=community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Service saved."))
        return redirect("orders:menu_edit")
    return render(
        request, "orders/staff_menu_item.html", {"form": form, "item": item, "tab": "menu"}
    )


# ---------------------------------------------------------------------------------------------
# Committee
# ---------------------------------------------------------------------------------------------
@login_required
def committee(request):
    if not can(request.user, "orders.committee.view"):
        raise PermissionDenied
    return render(
        request,
        "orders/committee.html",
        {
            "page": page_of(request, selectors.escalated_orders(user=request.user), PAGE_SIZE),
            "times": selectors.times_per_community(user=request.user),
        },
    )
