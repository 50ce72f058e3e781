"""The standard agenda moves from code into data: the Denmark–IOM partnership, if this
database holds it, keeps the items its consultations started with (section 4.1), as they
stood in the code (``consultations/agenda.py``) until then."""

from django.db import migrations
from django.utils import timezone

IOM_SLUG = "denmark-iom-2018-2020"
# (kind, code, title, citation), in their order on the agenda.
IOM_2018_AGENDA = [
    ('standard', 'i', "IOM's utilization of the Danish contribution for priority area 1 and 2", 'Section 4.1, annual consultations, item i)'),
    ('standard', 'ii', 'Plans for use of Danish contributions for the upcoming year', 'Section 4.1, annual consultations, item ii)'),
    ('standard', 'iii', 'Danish policy priorities in the area of migration and development', 'Section 4.1, annual consultations, item iii)'),
    ('standard', 'iv', "Developments as regards IOM's participation in the UN system and in the implementation of the GCM", 'Section 4.1, annual consultations, item iv)'),
    ('standard', 'v', 'Possibilities for strengthening thematic coherence and synergy between multilateral and bilateral assistance', 'Section 4.1, annual consultations, item v)'),
    ('standard', 'vi', "Possible concerns of Denmark in relation to IOM's performance", 'Section 4.1, annual consultations, item vi)'),
    ('standard', 'vii', "Key issues emanating from IOM's strategies", 'Section 4.1, annual consultations, item vii)'),
    ('standard', 'viii', "Employment of Danish nationals in IOM (both regular, seconded staff and JPO's)", 'Section 4.1, annual consultations, item viii)'),
    ('standard', 'ix', 'any other topic considered relevant', 'Section 4.1, annual consultations, item ix)'),
    ('raised', 'efficiency', 'Continually working on efficiency improvement within the organization', 'Section 4.1, the paragraph after the list: issues Denmark raises at the annual consultations'),
    ('raised', 'corruption-misconduct', 'The fight against corruption and misconduct, including sexual exploitation, abuse and harassment', 'Section 4.1, the paragraph after the list: issues Denmark raises at the annual consultations'),
    ('raised', 'transparency', 'Transparency in this regard', 'Section 4.1, the paragraph after the list: issues Denmark raises at the annual consultations'),
]


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnership", "Partnership")
    StandardAgendaItem = apps.get_model("consultations", "StandardAgendaItem")
    HistoricalItem = apps.get_model("consultations", "HistoricalStandardAgendaItem")
    partnership = Partnership.objects.filter(slug=IOM_SLUG).first()
    if partnership is None or StandardAgendaItem.objects.filter(partnership=partnership).exists():
        return
    now = timezone.now()
    for order, (kind, code, title, citation) in enumerate(IOM_2018_AGENDA, start=1):
        item = StandardAgendaItem.objects.create(
            partnership=partnership, order=order, kind=kind, code=code, title=title,
            citation=citation,
        )
        HistoricalItem.objects.create(
            id=item.pk, partnership_id=partnership.pk, order=order, kind=kind, code=code,
            title=title, citation=citation, history_date=now, history_type="+",
            history_change_reason="The standard agenda as the code held it",
        )


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0004_standard_agenda"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
