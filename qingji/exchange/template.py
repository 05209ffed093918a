"""The empty import template: the header row, a notes sheet, and drop-downs for listed values (the sources and
categories that the user's unit's local rules offer, by their labels)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qingji.exchange.columns import COLUMNS, FLAG_COLUMNS, GENDERS, METHODS, STAGES, STATUSES
from qingji.exchange.exporter import EXPORTED
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.organisations.models import Org

ROWS = 2000
LIST_LIMIT = 255  # Excel refuses a drop-down list written out longer than this


def _notes() -> dict[str, str]:
    return {
        "ledger_no": _("Blank: the system numbers the case. An existing number updates that case."),
        "petitioner": _("Required. Several people separated by 、 , ， or ;"),
        "id_number": _("18 characters with a valid check digit (or 15 digits). Format the column as text. "
                       "A masked number (with *) keeps the stored one."),
        "summary": _("Required. The petitioner's demand."),
        "source": _("Required. One of the list."),
        "registered_on": _("Date the case entered the ledger; blank: the date handed down, else today."),
        "handling_org": _("Required. Name or code of a unit in the organisation directory."),
        "lead_official": _("name or name(title)"),
        "handlers": _("Several allowed, name or name(title)"),
        "status": _("未结未息 / 已结未息 / 已结已息"),
        "method": _("Required when the status is 已结已息."),
        "closed_on": _("Required when the status is not 未结未息."),
        "aid": _("Yuan; 1.5万 means 15000."),
    }


def template_workbook(org: Org | None = None) -> bytes:
    """The template for the cases of `org` (the importing user's unit): its sources and categories."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the one sheet of a new workbook
    sheet.title = "台账"
    sheet.append([c.label for c in EXPORTED])
    for index in range(1, len(EXPORTED) + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = 14
    vocabulary = Vocabulary()
    offered = {name: [e.label for e in vocabulary.entries(key, org) if e.active]
               for name, key in (("source", SOURCES), ("category", CATEGORIES))}
    lists = {
        "source": offered["source"], "status": [w[0] for w in STATUSES.values()],
        "method": [w[0] for w in METHODS.values()], "stage": [w[0] for w in STAGES.values()],
        "gender": [w[0] for w in GENDERS.values()], "category": offered["category"],
        **{flag: ["是", "否"] for flag in FLAG_COLUMNS},
    }
    positions = {c.field: i for i, c in enumerate(EXPORTED, start=1)}
    for field, values in lists.items():
        formula = '"' + ",".join(values) + '"'
        if len(formula) > LIST_LIMIT:  # the notes sheet lists them
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        letter = get_column_letter(positions[field])
        validation.add(f"{letter}2:{letter}{ROWS}")
        sheet.add_data_validation(validation)
    id_letter = get_column_letter(positions["id_number"])
    for row in range(2, ROWS + 1):
        sheet[f"{id_letter}{row}"].number_format = "@"
    notes = workbook.create_sheet(_("Instructions"))
    notes.append([_("Column"), _("Synonyms accepted"), _("Rules")])
    explanations = _notes()
    explanations["source"] = f"{explanations['source']} {'、'.join(offered['source'])}"
    explanations["category"] = "、".join(offered["category"])
    for column in COLUMNS:
        if column.field == "seq":
            continue
        label = column.label + (" *" if column.required else "")
        notes.append([label, "、".join(column.synonyms), explanations.get(column.field, "")])
    for letter, width in (("A", 16), ("B", 36), ("C", 70)):
        notes.column_dimensions[letter].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
