from django.contrib import admin

from .models import ApiToken
from .models import Profile


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are created by their owners, who alone see the value


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "is_portfolio_admin",
        "digest_frequency",
        "digest_time",
        "digest_weekday",
    ]
    list_filter = ["is_portfolio_admin"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
