"""Access to a partnership's imported IATI data, one helper per kind of object."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import IatiImport
from .models import IatiTransaction

imports = ObjectAccess[IatiImport](
    lambda: IatiImport.objects.select_related("partnership", "imported_by"), "partnership"
)
transactions = ObjectAccess[IatiTransaction](
    lambda: IatiTransaction.objects.select_related("partnership", "activity"), "partnership"
)
