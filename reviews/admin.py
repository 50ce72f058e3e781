from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AppendOnlyAdmin

from .models import DownloadLog
from .models import ReportVersion
from .models import Review
from .models import ReviewSource


class ReviewSourceInline(admin.TabularInline):
    model = ReviewSource
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "kind", "status", "due_description"]
    list_filter = ["kind", "status"]
    inlines = [ReviewSourceInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(AppendOnlyAdmin):
    """Versions are made and changed by rendering only; the admin shows them."""

    list_display = ["review", "number", "status", "pages", "sha256", "issued_at"]
    list_filter = ["status"]
    list_select_related = ["review"]


@admin.register(DownloadLog)
class DownloadLogAdmin(AppendOnlyAdmin):
    list_display = ["at", "user", "version", "channel"]
    list_select_related = ["user", "version__review"]
