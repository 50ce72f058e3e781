from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionPoint
from .models import AgendaItem
from .models import Consultation
from .models import Note
from .models import NoteRevision


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "kind", "code", "title", "citation"]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "year", "date", "place", "status"]
    list_filter = ["status", "partnership"]
    inlines = [AgendaItemInline]


@admin.register(Note)
class NoteAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "agenda_item", "author", "status", "revision", "version", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["agenda_item"]


@admin.register(NoteRevision)
class NoteRevisionAdmin(SimpleHistoryAdmin):
    list_display = ["note", "number", "cleared_by", "cleared_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # cleared texts are kept as they were


@admin.register(ActionPoint)
class ActionPointAdmin(SimpleHistoryAdmin):
    list_display = ["description", "consultation", "owner", "due_date", "status"]
    list_filter = ["status"]
