from django.urls import path

from . import views

app_name = "iati"

# Mounted under /p/<slug:slug>/iati/ by config.urls.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("activities.xml", views.activities_xml, name="activities"),
    path("organisation.xml", views.organisation_xml, name="organisation"),
    path("check/", views.check_files, name="check"),
    path("import/", views.import_file, name="import"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("data/", views.data, name="data"),
]
