from django.urls import path

from . import views

app_name = "attention"

# Mounted at the site's root by config.urls.
urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("p/<slug:slug>/reminders/", views.reminders, name="reminders"),
]
