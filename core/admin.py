"""What the apps' admin pages share."""

from simple_history.admin import SimpleHistoryAdmin


class AppendOnlyAdmin(SimpleHistoryAdmin):
    """Append-only records (updates, assessments, payments…): the admin shows them and
    changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
