"""Set up the demo: the database, the IOM partnership from the strategy, and demo users."""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import transaction

from partnership.models import Membership
from portfolio import seed

DEMO_USERS = [
    ("desk", "Desk", "Officer", Membership.Role.DESK_OFFICER),
    ("geneva", "Geneva", "Mission", Membership.Role.MISSION_STAFF),
    ("auditor", "Audit", "Reader", Membership.Role.AUDITOR),
]
# A superuser with no role in any partnership: the Django admin (/admin/) is where people
# and their memberships are managed.
DEMO_ADMIN = ("admin", "Demo", "Administrator")


class Command(BaseCommand):
    help = (
        "Migrate, load the Denmark–IOM partnership and create the demo users and the demo "
        "administrator (safe to repeat)."
    )

    def handle(self, *args, **options) -> None:
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError(
                "DEMO_PASSWORD is not set. The demo users need it when DEBUG is off."
            )
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            partnership = seed.load()
            # Each app may ship demo data of its own in <app>/seed.py:load_demo(partnership).
            for config in apps.get_app_configs():
                module_name = f"{config.name}.seed"
                if config.name == "portfolio" or not importlib.util.find_spec(module_name):
                    continue
                module = importlib.import_module(module_name)
                if hasattr(module, "load_demo"):
                    module.load_demo(partnership)
            user_model = get_user_model()
            for username, first, last, role in DEMO_USERS:
                user, created = user_model.objects.get_or_create(
                    username=username,
                    # example.org never delivers: the demo writes its e-mail digests to
                    # files under var/mail (see EMAIL_BACKEND).
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                    },
                )
                if created:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                Membership.objects.get_or_create(
                    user=user, partnership=partnership, defaults={"role": role}
                )
            username, first, last = DEMO_ADMIN
            admin, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": True,
                    "is_superuser": True,
                },
            )
            if created:
                admin.set_password(password)
                admin.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS(f"Loaded “{partnership.title}”."))
        self.stdout.write("Log in at http://127.0.0.1:8000/ as one of:")
        for username, _, _, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.label:<14} password: {password}")
        self.stdout.write(
            f"  {DEMO_ADMIN[0]:<8} {'administrator':<14} password: {password}"
            "  (people and memberships: http://127.0.0.1:8000/admin/)"
        )
