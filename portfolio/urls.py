from django.urls import include
from django.urls import path

from . import views

app_name = "portfolio"

# Mounted at the site's root by config.urls: the portfolio's own pages under /portfolio/,
# and what it adds to a partnership under /p/<slug>/.
urlpatterns = [
    path(
        "portfolio/",
        include(
            [
                path("", views.overview, name="overview"),
                path("export.<str:fmt>", views.export, name="export"),
                path("new/", views.partnership_create, name="partnership-create"),
                path("import/", views.partnership_import, name="partnership-import"),
            ]
        ),
    ),
    path("p/<slug:slug>/renew/", views.partnership_renew, name="partnership-renew"),
    path("p/<slug:slug>/strategy.yaml", views.strategy_download, name="strategy-download"),
]
