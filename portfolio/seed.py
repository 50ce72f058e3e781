"""The Denmark–IOM partnership of 2018–2020, loaded from its strategy file
(``fixtures/strategies/denmark-iom-2018-2020.yaml``) by the loader users' files go through.

Safe to repeat: what is stored already is left as users have edited it, and only what is
missing is added.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from partnership.models import Partnership

from . import services
from . import strategy_file

STRATEGIES = Path(settings.BASE_DIR) / "fixtures" / "strategies"
IOM_STRATEGY = STRATEGIES / "denmark-iom-2018-2020.yaml"
IOM_SLUG = "denmark-iom-2018-2020"


def load(path: Path = IOM_STRATEGY) -> Partnership:
    strategy = strategy_file.read(path.read_bytes())
    saved = services.strategy_save(strategy=strategy, by=None, reason="", keep_existing=True)
    return saved.partnership
