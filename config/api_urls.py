"""All API resources under /api/v1/: each app registers its viewsets on one router."""

from rest_framework.routers import DefaultRouter

from attention.api import register as register_attention
from consultations.api import register as register_consultations
from funding.api import register as register_funding
from partnership.api import register as register_partnership
from reviews.api import register as register_reviews

router = DefaultRouter()
register_partnership(router)
register_funding(router)
register_reviews(router)
register_consultations(router)
register_attention(router)

urlpatterns = router.urls
