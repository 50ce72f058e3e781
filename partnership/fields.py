"""Form fields other apps' forms share: the partnership's documents, offered a few at a
time (see templates/partnership/_evidence_picker.html)."""

from __future__ import annotations

from django import forms

from .models import Document
from .selectors import evidence_label


class DocumentsField(forms.ModelMultipleChoiceField):
    """Documents of one partnership as checkboxes, offered by partnership/_evidence_picker.html
    (includes/form_fields.html renders it so): the list offers ``shown`` (what
    ``selectors.evidence_documents`` found: the newest, those a search finds, those chosen);
    every document of the partnership is a valid choice, and any other id is refused."""

    picker = True

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset=Document.objects.none(), **kwargs)

    def offer(self, *, partnership_id: int, shown: list[Document] | None) -> None:
        self.queryset = Document.objects.filter(partnership_id=partnership_id).order_by(
            "-year", "title"
        )
        if shown is not None:
            # What the list offers; what it accepts is the queryset (every document).
            self.widget.choices = [(doc.pk, evidence_label(doc)) for doc in shown]
