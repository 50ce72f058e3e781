"""The review report's figures: :func:`report_figures` turns what
``selectors.review_report_data`` read into plain, JSON-ready data in a stable order, which
the PDF carries as attachments (:func:`figures_json`, :func:`figures_csv`) and whose
SHA-256 its footer prints.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from core import exports
from funding.selectors import Budget

from .models import GoalAssessment
from .models import PriorityAreaAssessment
from .selectors import ReportData

FIGURES_SCHEMA = "partnership-monitor/review-figures/2"


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _assessment(assessment: GoalAssessment | PriorityAreaAssessment | None) -> dict | None:
    if assessment is None:
        return None
    return {"rating": assessment.rating, "narrative": assessment.narrative}


def _budget_figures(budget: Budget) -> dict[str, Any]:
    return {
        "currency": budget.currency,
        "years": [
            {
                "year": year.year,
                "annual_amount": _text(year.annual_amount),
                "planned": _text(year.planned),
                "committed": _text(year.committed),
                "disbursed": _text(year.disbursed),
                "lines": [
                    {
                        "component": cell.component,
                        "status": cell.status,
                        "finance_act_reference": cell.line.finance_act_reference,
                        "planned": _text(cell.planned),
                        "committed": _text(cell.committed),
                        "disbursed": _text(cell.disbursed),
                        "citation": cell.line.citation,
                    }
                    for cell in year.cells
                ],
            }
            for year in budget.years
        ],
    }


def report_figures(data: ReportData) -> dict[str, Any]:
    """The review's figures and texts as plain JSON-ready data, in a stable order."""
    partnership, review = data.partnership, data.review
    return {
        "schema": FIGURES_SCHEMA,
        "partnership": {
            "slug": partnership.slug,
            "title": partnership.title,
            "donor": partnership.donor,
            "organisation": partnership.organisation.name,
            "start_date": _text(partnership.start_date),
            "end_date": _text(partnership.end_date),
            "annual_amount": _text(partnership.annual_amount),
            "currency": partnership.currency,
            "citation": partnership.citation,
        },
        "review": {
            "id": review.pk,
            "kind": review.kind,
            "title": review.title,
            "status": review.status,
            "period_start": _text(review.period_start),
            "period_end": _text(review.period_end),
            "due_date": _text(review.due_date),
            "due_description": review.due_description,
            "citation": review.citation,
        },
        "sources": [
            {
                "title": source.document.title,
                "kind": source.document.kind,
                "year": source.document.year,
                "reference": source.document.reference,
                "note": source.note,
                "citation": source.citation or source.document.citation,
                "sha256": getattr(source.document, "sha256", None),
            }
            for source in data.sources
        ],
        "priority_areas": [
            {
                "number": row.area.number,
                "title": row.area.title,
                "goals": row.goal_numbers,
                "assessment": _assessment(row.assessment),
            }
            for row in data.assessments.priority_areas
        ],
        "goals": [
            {
                "number": row.goal.number,
                "text": row.goal.text,
                "citation": row.goal.citation,
                "current_status": row.goal.current_status,
                "indicator": row.goal.indicator,
                "unit": row.goal.unit,
                "baseline_value": _text(row.goal.baseline_value),
                "baseline_year": row.goal.baseline_year,
                "target_value": _text(row.goal.target_value),
                "target_description": row.goal.target_description,
                "assessment": _assessment(row.assessment),
                "updates": [
                    {
                        "as_of": _text(update.as_of),
                        "status": update.status,
                        "actual_value": _text(update.actual_value),
                        "narrative": update.narrative,
                        "evidence": [doc.title for doc in update.evidence.all()],
                    }
                    for update in row.updates
                ],
            }
            for row in data.assessments.goals
        ],
        "risks": [
            {
                "number": risk.number,
                "title": risk.title,
                "citation": risk.citation,
                "assessments": [
                    {
                        "as_of": _text(a.as_of),
                        "likelihood": a.likelihood,
                        "impact": a.impact,
                        "residual_likelihood": a.residual_likelihood,
                        "residual_impact": a.residual_impact,
                        "response": a.response,
                    }
                    for a in risk.assessments.all()
                ],
            }
            for risk in data.risks
        ],
        "budget": _budget_figures(data.budget),
        "action_points": [
            {
                "consultation_year": point.consultation.year,
                "agenda_item": point.agenda_item.title if point.agenda_item else None,
                "description": point.description,
                "owner": point.owner,
                "due_date": _text(point.due_date),
                "status": point.status,
                "overdue": point.overdue,
                "goals": [goal.number for goal in point.goals.all()],
                "risks": [risk.number for risk in point.risks.all()],
            }
            for point in data.action_points
        ],
        "payments": [
            {
                "value_date": _text(d.value_date),
                "kind": d.kind,
                "budget_line": {"year": d.budget_line.year, "component": d.budget_line.component},
                "amount": _text(d.amount),
                "currency": d.currency,
                "exchange_rate": _text(d.exchange_rate),
                "rate_date": _text(d.rate.date) if d.rate else None,
                "amount_dkk": _text(d.amount_dkk),
                "debited_dkk": _text(d.debited_dkk),
                "booked_dkk": _text(d.booked_dkk),
                "reference": d.reference,
            }
            for d in data.payments
        ],
        "allocations": [
            {
                "year": row.allocation.budget_line.year,
                "component": row.allocation.budget_line.component,
                "country": row.allocation.country,
                "amount": _text(row.allocation.amount),
                "currency": row.allocation.currency,
                "purpose": row.allocation.description,
                "reported_in": row.allocation.reported_in,
            }
            for row in data.allocations
        ],
        "assessed_contributions": [
            {
                "year": c.year,
                "scale_percent": _text(c.scale_percent),
                "administrative_budget": _text(c.administrative_budget),
                "expected_amount": _text(c.expected_amount),
                "stated_amount": _text(c.stated_amount),
                "invoiced": _text(c.invoiced),
                "paid": _text(c.paid),
                "currency": c.currency,
                "paying_ministry": c.paying_ministry,
            }
            for c in data.assessed_contributions
        ],
        "consistency": [
            {"check": result.check.name, "subject": item.subject, "message": item.message}
            for result in data.checks
            for item in result.found
        ],
        "as_of": _text(data.as_of),
        "findings": [{"number": f.number, "text": f.text} for f in data.assessments.findings],
        "recommendations": [
            {
                "number": r.number,
                "text": r.text,
                "finding": r.finding.number if r.finding else None,
            }
            for r in data.assessments.recommendations
        ],
    }


def _text_of(value: Any) -> str:
    # The checks' titles and messages are translated when read: written as the text of the
    # report's language.
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def figures_json(figures: dict[str, Any]) -> bytes:
    """Canonical JSON: the same data gives the same bytes, and so the same SHA-256."""
    text = json.dumps(figures, ensure_ascii=False, sort_keys=True, indent=1, default=_text_of)
    return text.encode("utf-8")


CSV_COLUMNS = ["section", "item", "measure", "value", "unit", "as_of"]


def _number(value: str | None) -> Decimal | None:
    """A figure kept as text for the JSON, as a number again for a spreadsheet."""
    return None if value is None else Decimal(value)


def figures_csv(figures: dict[str, Any]) -> bytes:
    """The figures in long form, one value a row, for a spreadsheet."""
    rows: list[list[Any]] = []
    for goal in figures["goals"]:
        item = f"Goal {goal['number']}"
        rows.append(["goal", item, "current_status", goal["current_status"], "", ""])
        if goal["assessment"]:
            rows.append(["goal", item, "assessment", goal["assessment"]["rating"], "", ""])
        if goal["baseline_value"] is not None:
            rows.append(
                [
                    "goal",
                    item,
                    "baseline",
                    _number(goal["baseline_value"]),
                    goal["unit"],
                    goal["baseline_year"],
                ]
            )
        if goal["target_value"] is not None:
            rows.append(["goal", item, "target", _number(goal["target_value"]), goal["unit"], ""])
        rows.extend(
            ["goal_update", item, "status", update["status"], "", update["as_of"]]
            for update in goal["updates"]
        )
        rows.extend(
            [
                "goal_update",
                item,
                "actual_value",
                _number(update["actual_value"]),
                goal["unit"],
                update["as_of"],
            ]
            for update in goal["updates"]
            if update["actual_value"] is not None
        )
    rows.extend(
        [
            "priority_area",
            f"Priority area {area['number']}",
            "assessment",
            area["assessment"]["rating"],
            "",
            "",
        ]
        for area in figures["priority_areas"]
        if area["assessment"]
    )
    for year in figures["budget"]["years"]:
        for line in year["lines"]:
            rows.extend(
                [
                    "budget",
                    f"{year['year']} {line['component']}",
                    measure,
                    _number(line[measure]),
                    figures["budget"]["currency"],
                    "",
                ]
                for measure in ("planned", "committed", "disbursed")
            )
    rows.extend(
        [
            "action_point",
            f"{point['consultation_year']}: {point['description']}",
            "status",
            "overdue" if point["overdue"] else point["status"],
            "",
            point["due_date"],
        ]
        for point in figures["action_points"]
    )
    rows.extend(
        [
            "payment" if payment["kind"] == "payment" else "refund",
            payment["reference"],
            "booked_dkk",
            payment["booked_dkk"],
            "DKK",
            payment["value_date"],
        ]
        for payment in figures["payments"]
    )
    rows.extend(
        [
            "allocation",
            f"{row['year']} {row['component']} {row['country']}",
            "amount",
            row["amount"],
            row["currency"],
            "",
        ]
        for row in figures["allocations"]
    )
    for risk in figures["risks"]:
        item = f"Risk {risk['number']}"
        for assessment in risk["assessments"]:
            rows.extend(
                ["risk", item, measure, assessment[measure], "1–5", assessment["as_of"]]
                for measure in ("likelihood", "impact", "residual_likelihood", "residual_impact")
            )
    # Through the one writer of the app's CSV files: a text a user typed (a goal's unit, an
    # action point) that a spreadsheet would run as a formula is written as text.
    return exports.to_csv(exports.Table("figures", CSV_COLUMNS, rows))
