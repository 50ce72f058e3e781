from core import apps


class IatiConfig(apps.DomainAppConfig):
    name = "iati"
    verbose_name = "IATI"
    cards = True  # what it shows on the partnership's pages
    recorded = {"partnership": ("IatiImport", "IatiActivity", "IatiTransaction")}
