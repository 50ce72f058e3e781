from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class IatiImportForm(forms.Form):
    file = forms.FileField(label=_("IATI activity file (XML)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The activity file the organisation publishes, IATI 2.01 to 2.03, at most %(size)s MB."
        ) % {"size": settings.IATI_IMPORT_MAX_BYTES // 1024 // 1024}

    def service_data(self) -> dict[str, Any]:
        """The uploaded file for ``services.iati_import_upload``."""
        return {"upload": self.cleaned_data["file"]}
