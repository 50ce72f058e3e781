"""Access to a partnership's imported IATI data, one helper per kind of object."""

from __future__ import annotations

from core.access import ObjectAccess

from .models import IatiImport
from .models import IatiTransaction

imports = ObjectAccess.through(IatiImport, "partnership", "imported_by")
transactions = ObjectAccess.through(IatiTransaction, "partnership", "activity")
