from django.urls import path

from . import views

app_name = "funding"

# Mounted under /p/<slug:slug>/funding/ by config.urls.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("years/<int:year>/commit/", views.budget_year_commit, name="budget-year-commit"),
    path("lines/<int:pk>/", views.budget_line_detail, name="budget-line-detail"),
    path("lines/<int:pk>/rate/", views.budget_line_rate_check, name="budget-line-rate-check"),
    path("lines/<int:pk>/close/", views.budget_line_close, name="budget-line-close"),
    path("lines/<int:pk>/responsible/", views.budget_line_assign, name="budget-line-assign"),
    path("exchange-rates/", views.exchange_rates, name="exchange-rates"),
    path("exchange-rates/import/", views.exchange_rates_import, name="exchange-rates-import"),
    path("exchange-rates/<int:pk>/edit/", views.exchange_rate_edit, name="exchange-rate-edit"),
    path(
        "exchange-rates/<int:pk>/withdraw/",
        views.exchange_rate_withdraw,
        name="exchange-rate-withdraw",
    ),
    path("assessed-contributions/", views.assessed_contributions, name="assessed-contributions"),
    path(
        "assessed-contributions/new/",
        views.assessed_contribution_create,
        name="assessed-contribution-create",
    ),
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
    path("allocations/<int:pk>/edit/", views.allocation_edit, name="allocation-edit"),
    path("allocations/<int:pk>/withdraw/", views.allocation_withdraw, name="allocation-withdraw"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/edit/", views.staff_position_edit, name="staff-position-edit"),
    path("staff/<int:pk>/withdraw/", views.staff_position_withdraw, name="staff-position-withdraw"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
