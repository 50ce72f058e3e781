"""The baseline of the throughput figures: a view that does nothing but answer.

It goes through the same middleware as every page (session, user, CSP, request id), so a
page's ratio to it is the cost of the page's own work.
"""

from django.http import HttpRequest
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
