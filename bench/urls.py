"""The application's URLs, plus the baseline view (benchmark runs only: see bench.settings)."""

from django.urls import path

from config.urls import handler400
from config.urls import handler403
from config.urls import handler404
from config.urls import handler500
from config.urls import urlpatterns

from . import views

urlpatterns = [path("bench/bare/", views.bare, name="bench-bare"), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
