from django.urls import path

from . import views

app_name = "funding"

# Mounted under /p/<slug:slug>/funding/ by config.urls.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("lines/<int:pk>/", views.budget_line_detail, name="budget-line-detail"),
    path("lines/<int:pk>/commit/", views.budget_line_commit, name="budget-line-commit"),
    path("lines/<int:pk>/close/", views.budget_line_close, name="budget-line-close"),
    path("exchange-rates/", views.exchange_rates, name="exchange-rates"),
    path("exchange-rates/import/", views.exchange_rates_import, name="exchange-rates-import"),
    path("assessed-contributions/", views.assessed_contributions, name="assessed-contributions"),
    path(
        "assessed-contributions/<int:year>/edit/",
        views.assessed_contribution_edit,
        name="assessed-contribution-edit",
    ),
    path("voluntary-contributions/", views.voluntary_contributions, name="voluntary-contributions"),
    path(
        "voluntary-contributions/import/",
        views.voluntary_contributions_import,
        name="voluntary-contributions-import",
    ),
    path(
        "voluntary-contributions/reconciliation/",
        views.reconciliation,
        name="reconciliation",
    ),
    path("allocations/", views.allocations, name="allocations"),
    path("staff/", views.staff, name="staff"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
