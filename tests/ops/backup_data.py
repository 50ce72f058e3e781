"""Run inside `manage.py shell` by tests/ops/test_backup.py, against the database that
DATABASE_URL names: populate() adds what a user would (an uploaded document, a goal
update citing it); stored_files() lists every file the database refers to."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from partnership import services
from partnership.models import Document
from partnership.models import GoalStatus
from partnership.models import Partnership

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n% IOM Annual Report 2018, as uploaded\n%%EOF"


def populate() -> None:
    partnership = Partnership.objects.get(slug="denmark-iom-2018-2020")
    desk = get_user_model().objects.get(username="desk")
    document = services.document_create(
        partnership=partnership,
        by=desk,
        kind=Document.Kind.ANNUAL_REPORT,
        title="IOM Annual Report 2018",
        year=2018,
        file=SimpleUploadedFile("annual-report-2018.pdf", PDF),
    )
    goal = partnership.goals.exclude(indicator="").order_by("number").first()
    services.goal_update_create(
        goal=goal,
        by=desk,
        as_of=dt.date(2019, 6, 30),
        status=GoalStatus.ON_TRACK,
        narrative="Seven member states now give un-earmarked funding (annual report 2018).",
        actual_value=Decimal("7"),
        evidence=[document],
    )


def stored_files() -> None:
    """Print {"model.field": [file names]} for every file field with a file."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                found[f"{model._meta.label}.{field.name}"] = sorted(names)
    sys.stdout.write(json.dumps(found) + "\n")
