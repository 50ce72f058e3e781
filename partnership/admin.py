from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import AppendOnlyAdmin

from .models import Document
from .models import GoalUpdate
from .models import Membership
from .models import Organisation
from .models import OrganisationFact
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment


class OrganisationFactInline(admin.TabularInline):
    model = OrganisationFact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "headquarters", "iati_identifier"]
    inlines = [OrganisationFactInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "organisation", "start_date", "end_date", "status"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "role"]
    list_filter = ["role", "partnership"]
    list_select_related = ["user", "partnership"]
    autocomplete_fields = ["user"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "number", "short_title"]


@admin.register(OverallGoal)
class OverallGoalAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "number", "text"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "number", "title"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "kind", "title", "year"]


@admin.register(GoalUpdate)
class GoalUpdateAdmin(AppendOnlyAdmin):
    list_display = ["goal", "as_of", "status", "author"]
    list_select_related = ["goal", "author"]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(AppendOnlyAdmin):
    list_display = ["risk", "as_of", "likelihood", "impact", "author"]
    list_select_related = ["risk", "author"]
