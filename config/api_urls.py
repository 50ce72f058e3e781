"""All API resources under /api/v1/: each app registers its viewsets on one router."""

import re

from rest_framework.routers import DefaultRouter

from attention.api import register as register_attention
from consultations.api import register as register_consultations
from funding.api import register as register_funding
from iati.api import register as register_iati
from partnership.api import register as register_partnership
from people.api import register as register_people
from portfolio.api import register as register_portfolio
from reviews.api import register as register_reviews

# An action whose path ends in a file name (``iati/activities.xml``).
FILE_NAME = re.compile(r"\.[a-z0-9]+$")


class Router(DefaultRouter):
    """DRF's router, with two additions: an action whose path names a file
    (``…/iati/activities.xml``) is served at exactly that path, with no trailing slash; and
    a prefix that several viewsets share (``partnerships/``) is listed in the API's root by
    the one that has a list."""

    def _get_dynamic_route(self, route, action):
        dynamic = super()._get_dynamic_route(route, action)
        if not FILE_NAME.search(action.url_path):
            return dynamic
        url = dynamic.url.replace(action.url_path, re.escape(action.url_path))
        return dynamic._replace(url=url.replace("{trailing_slash}", ""))

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        api_root_dict = {
            prefix: list_name.format(basename=basename)
            for prefix, viewset, basename in self.registry
            if hasattr(viewset, "list")
        }
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


router = Router()
register_partnership(router)
register_funding(router)
register_reviews(router)
register_consultations(router)
register_iati(router)
register_attention(router)
register_portfolio(router)
register_people(router)

urlpatterns = router.urls
