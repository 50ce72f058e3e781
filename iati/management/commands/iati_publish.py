"""``manage.py iati_publish <folder>``: the files to publish to the IATI Registry."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from iati import publish
from partnership.models import Partnership


class Command(BaseCommand):
    help = (
        "Write the ministry's IATI 2.03 files for every partnership (or those named): "
        "activities.xml, one activity per agreement, and organisation.xml. Each is checked "
        "against the 2.03 schemas and codelists first; an invalid file is not written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="Where to write the two files.")
        parser.add_argument(
            "--partnership",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this partnership (may be given more than once).",
        )

    def handle(self, *args, folder: Path, partnership: list[str], **options) -> None:
        partnerships = Partnership.objects.select_related("organisation").order_by("pk")
        if partnership:
            partnerships = partnerships.filter(slug__in=partnership)
            missing = set(partnership) - {p.slug for p in partnerships}
            if missing:
                raise CommandError(f"No partnership with the slug(s) {', '.join(sorted(missing))}.")
        partnerships = list(partnerships)
        if not partnerships:
            raise CommandError("There is no partnership to publish.")
        try:
            files = [
                publish.portfolio_activity_file(partnerships),
                publish.portfolio_organisation_file(partnerships),
            ]
        except publish.InvalidFileError as error:
            for problem in error.problems[:20]:
                self.stderr.write(str(problem))
            raise CommandError(f"{error} Nothing was written.") from error
        folder.mkdir(parents=True, exist_ok=True)
        for file in files:
            path = folder / file.filename
            path.write_bytes(file.content)
            self.stdout.write(f"{path} ({file.size:,} bytes, valid IATI 2.03)")
        self.stdout.write(
            self.style.SUCCESS(f"{len(partnerships)} partnership(s) published to {folder}.")
        )
