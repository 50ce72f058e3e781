"""The application's URLs, plus the baseline view (benchmark runs only: see bench.settings)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

from . import views

urlpatterns = [path("bench/bare/", views.bare, name="bench-bare"), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
