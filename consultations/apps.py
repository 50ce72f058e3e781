from core import apps


class ConsultationsConfig(apps.DomainAppConfig):
    name = "consultations"
    verbose_name = "Consultations"
    cards = True  # what it shows on the partnership's pages
    period_check = True  # what it holds by the year: the agreement's period keeps it
    recorded = {
        "partnership": ("Consultation",),
        "consultation__partnership": ("AgendaItem", "ActionPoint"),
        "agenda_item__consultation__partnership": ("Note",),
        "note__agenda_item__consultation__partnership": ("NoteRevision",),
    }
