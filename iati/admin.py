"""Imported IATI data in the admin, read-only: an import is all or nothing and goes
through ``services.iati_import`` (the page, the API or ``manage.py iati_import``)."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin

from .models import IatiActivity
from .models import IatiImport
from .models import IatiTransaction


@admin.register(IatiImport)
class IatiImportAdmin(AppendOnlyAdmin):
    list_display = ["partnership", "filename", "created_at", "activities_kept", "transactions_kept"]
    list_select_related = ["partnership"]


@admin.register(IatiActivity)
class IatiActivityAdmin(AppendOnlyAdmin):
    list_display = ["iati_identifier", "partnership", "source_import", "replaced_by"]
    list_select_related = ["partnership", "source_import", "replaced_by"]
    search_fields = ["iati_identifier", "title"]


@admin.register(IatiTransaction)
class IatiTransactionAdmin(AppendOnlyAdmin):
    list_display = ["activity", "transaction_type", "date", "value", "currency", "provider_org"]
    list_select_related = ["activity"]
