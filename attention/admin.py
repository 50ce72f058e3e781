from django.contrib import admin

from .models import Digest
from .models import Reminder


class ReminderInline(admin.TabularInline):
    model = Reminder
    fields = ["partnership", "kind", "title", "summary", "is_new"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Who was told what, when: a record, read here, never edited."""

    list_display = ["user", "period", "status", "attempts", "sent_at"]
    list_filter = ["status", "frequency"]
    list_select_related = ["user"]
    search_fields = ["user__username", "to"]
    inlines = [ReminderInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
