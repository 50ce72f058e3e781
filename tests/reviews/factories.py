from __future__ import annotations

import hashlib

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reviews.models import Dossier
from reviews.models import ReportVersion
from reviews.models import Review
from reviews.models import dossier_file_name
from reviews.models import report_file_name
from tests.factories import PartnershipFactory
from tests.factories import UserFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    partnership = factory.SubFactory(PartnershipFactory)
    kind = Review.Kind.MID_TERM
    title = factory.Sequence(lambda n: f"Review {n}")


class ReportVersionFactory(factory.django.DjangoModelFactory):
    """A version as the render leaves it; ``done_version`` gives one with a stored file."""

    class Meta:
        model = ReportVersion

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    requested_by = factory.SubFactory(UserFactory)
    sends = 1
    sent_at = factory.LazyFunction(timezone.now)


def done_version(review: Review, *, content: bytes = b"%PDF-1.7\n% a stand-in report\n", **kw):
    version = ReportVersionFactory(review=review, **kw)
    name = report_file_name(review.pk, version.number)
    version.file.name = default_storage.save(name, ContentFile(content))
    version.status = ReportVersion.Status.DONE
    version.sha256 = hashlib.sha256(content).hexdigest()
    version.size = len(content)
    version.pages = 1
    version.finished_at = timezone.now()
    version.save()
    return version


def issued_version(review: Review, *, content: bytes = b"%PDF-1.7\n% an issued report\n", **kw):
    """A final version as the render leaves it once issued, and its review issued."""
    version = done_version(review, content=content, final=True, issue_reason="Approved.", **kw)
    version.issued_at = version.requested_at
    version.issued_by = version.requested_by
    version.save(update_fields=["issued_at", "issued_by"])
    review.status = Review.Status.ISSUED
    review.save(update_fields=["status"])
    return version


def built_dossier(
    partnership, *, review=None, requested_by, content: bytes = b"PK\x05\x06" + bytes(18)
):
    """A dossier as the build leaves it, with a stored (empty) ZIP: of the review if one
    is given, else of the agreement's first year."""
    dossier = Dossier.objects.create(
        partnership=partnership,
        review=review,
        year=None if review is not None else partnership.years[0],
        requested_by=requested_by,
        app_version="test",
    )
    dossier.file.name = default_storage.save(dossier_file_name(dossier.pk), ContentFile(content))
    dossier.status = Dossier.Status.DONE
    dossier.sha256 = hashlib.sha256(content).hexdigest()
    dossier.size = len(content)
    dossier.file_count = 0
    dossier.finished_at = timezone.now()
    dossier.save()
    return dossier
