"""Pages of a list: one call for a view, and a paginator whose total is cached."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


def page_of(request, queryset, size: int) -> Page:
    """The page `?page=` asks for (the last one if it is past the end, the first if it is not
    a number)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


class CachedCountPaginator(Paginator):
    """A paginator whose total is counted at most once a minute per filter: on the public wall
    the count of a hundred thousand wishes would cost more than the page itself."""

    def __init__(self, *args, cache_key: str, timeout: int = 60, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key
        self.timeout = timeout

    @cached_property
    def count(self):
        total = cache.get(self.cache_key)
        if total is None:
            total = super().count
            cache.set(self.cache_key, total, self.timeout)
        return total


class KnownCountPaginator(Paginator):
    """A paginator told its total (summed already with the page's other figures): no COUNT."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count
