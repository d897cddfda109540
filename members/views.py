from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Community
from .permissions import get_for_user_or_404


def home(request):
    return render(request, "members/home.html")


def community_list(request):
    return render(request, "members/community_list.html")


def community_detail(request, pk):
    community = get_for_user_or_404(request.user, Community.objects.all(), pk=pk)
    return render(request, "members/community_detail.html", {"community": community})


@login_required
def dashboard(request):
    return render(request, "members/dashboard.html")


@login_required
def staff_home(request):
    return render(request, "members/staff_home.html")
