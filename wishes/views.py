"""Pages of the micro-wishes app."""

from django.shortcuts import render


def wall(request):
    """The public wish wall."""
    return render(request, "wishes/wall.html", {})
