from django.urls import include
from django.urls import path

from . import views

app_name = "funding"

# Mounted under /p/<slug:slug>/funding/ by config.urls.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("years/<int:year>/commit/", views.budget_year_commit, name="budget-year-commit"),
    path(
        "lines/<int:pk>/",
        include(
            [
                path("", views.budget_line_detail, name="budget-line-detail"),
                path("rate/", views.budget_line_rate_check, name="budget-line-rate-check"),
                path("close/", views.budget_line_close, name="budget-line-close"),
                path("responsible/", views.budget_line_assign, name="budget-line-assign"),
            ]
        ),
    ),
    path(
        "exchange-rates/",
        include(
            [
                path("", views.exchange_rates, name="exchange-rates"),
                path("import/", views.exchange_rates_import, name="exchange-rates-import"),
                path("<int:pk>/edit/", views.exchange_rate_edit, name="exchange-rate-edit"),
                path(
                    "<int:pk>/withdraw/",
                    views.exchange_rate_withdraw,
                    name="exchange-rate-withdraw",
                ),
            ]
        ),
    ),
    path(
        "assessed-contributions/",
        include(
            [
                path("", views.assessed_contributions, name="assessed-contributions"),
                path(
                    "new/",
                    views.assessed_contribution_create,
                    name="assessed-contribution-create",
                ),
                path(
                    "<int:year>/edit/",
                    views.assessed_contribution_edit,
                    name="assessed-contribution-edit",
                ),
            ]
        ),
    ),
    path(
        "voluntary-contributions/",
        include(
            [
                path("", views.voluntary_contributions, name="voluntary-contributions"),
                path(
                    "import/",
                    views.voluntary_contributions_import,
                    name="voluntary-contributions-import",
                ),
                path("reconciliation/", views.reconciliation, name="reconciliation"),
            ]
        ),
    ),
    path(
        "allocations/",
        include(
            [
                path("", views.allocations, name="allocations"),
                path("<int:pk>/edit/", views.allocation_edit, name="allocation-edit"),
                path("<int:pk>/withdraw/", views.allocation_withdraw, name="allocation-withdraw"),
            ]
        ),
    ),
    path(
        "staff/",
        include(
            [
                path("", views.staff, name="staff"),
                path("<int:pk>/edit/", views.staff_position_edit, name="staff-position-edit"),
                path(
                    "<int:pk>/withdraw/",
                    views.staff_position_withdraw,
                    name="staff-position-withdraw",
                ),
            ]
        ),
    ),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
