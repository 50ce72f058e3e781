from core import apps


class PartnershipConfig(apps.DomainAppConfig):
    name = "partnership"
    verbose_name = "Partnerships"
    period_check = True  # goal updates and risk assessments: none before the start
    recorded = {
        "partnerships": ("Organisation",),
        "organisation__partnerships": ("OrganisationFact",),
        "": ("Partnership",),
        "partnership": ("Membership", "PriorityArea", "OverallGoal", "Risk", "Document"),
        "goal__partnership": ("GoalUpdate",),
        "risk__partnership": ("RiskAssessment",),
    }
