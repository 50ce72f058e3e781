from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from a partnership's people page or the API."""

    list_display = ["email", "partnership", "role", "invited_by", "sent_at", "accepted_at"]
    list_select_related = ["partnership", "invited_by"]
    list_filter = ["role", "new_account"]
    search_fields = ["email", "user__username"]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
