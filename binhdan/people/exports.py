"""XLSX files: the register of a commune or village, and an import's problem report.

ID numbers are never in an export (only their last four digits: the register does not hold
more). Phones are masked unless the caller may reveal them and asked for full values.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from binhdan.core import pii
from binhdan.people.ethnicity import ETHNIC_GROUPS
from binhdan.people.models import SEGMENTS, Person

ETHNIC_NAMES = dict(ETHNIC_GROUPS)


def _yes(value: bool) -> str:
    return "x" if value else ""


def _safe(text: str) -> str:
    """Cells never start a formula (CSV/XLSX injection)."""
    return "'" + text if text and text[0] in "=+-@" else text


def people_workbook(people, households, *, full: bool) -> tuple[bytes, int]:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Households"))
    sheet.append([_("Household code"), _("Village"), _("Address"), _("Head of household"), _("Members")])
    from django.db.models import Count, Q

    for h in households.select_related("village", "head").annotate(
            n=Count("members", filter=Q(members__valid_to__isnull=True))).order_by("village__name_folded", "code",
                                                                                    "pk").iterator(chunk_size=2000):
        sheet.append([_safe(h.code), h.village.name if h.village_id else "", _safe(h.address),
                      h.head.full_name if h.head_id and h.head else "", h.n])
    sheet = book.create_sheet(_("People"))
    sheet.append([_("Full name"), _("Date of birth"), _("Year of birth"), _("Sex"), _("Ethnicity"), _("Village"),
                  _("Household code"), _("Relation to head"), _("ID number (last 4 digits)"), _("Phone"),
                  *[str(label) for _name, label in SEGMENTS], _("Has a smartphone"), _("VNeID account"),
                  _("Digital bank account"), _("Uses email"), _("Uses Zalo"), _("Consent to data processing"),
                  _("Ended on"), _("Reason")])
    sexes, relations = dict(Person.Sex.choices), dict(Person.Relation.choices)
    reasons = dict(Person._meta.get_field("end_reason").choices)
    rows = 0
    fields = ["full_name", "birth_date", "birth_year", "sex", "ethnicity", "relation", "id_last4", "phone_masked",
              "phone_encrypted", "is_official", "is_student", "is_worker", "is_trader", "is_farmer",
              "has_disability", "has_smartphone", "vneid_level", "has_bank_account", "uses_email", "uses_zalo",
              "consent_at", "valid_to", "end_reason", "village__name", "household__code", "name_folded", "pk"]
    for p in people.order_by("village__name_folded", "name_folded", "pk").values(*fields).iterator(chunk_size=2000):
        phone = pii.format_phone(pii.decrypt(p["phone_encrypted"], "phone")) if full and p["phone_encrypted"] \
            else p["phone_masked"]
        sheet.append([
            p["full_name"], p["birth_date"].strftime("%d/%m/%Y") if p["birth_date"] else "", p["birth_year"],
            str(sexes.get(p["sex"], "")), ETHNIC_NAMES.get(p["ethnicity"], ""), p["village__name"] or "",
            _safe(p["household__code"] or ""), str(relations.get(p["relation"], "")), pii.mask_id(p["id_last4"]),
            phone, *[_yes(p[name]) for name, _label in SEGMENTS], _yes(p["has_smartphone"]),
            p["vneid_level"] or "", _yes(p["has_bank_account"]), _yes(p["uses_email"]), _yes(p["uses_zalo"]),
            p["consent_at"].strftime("%d/%m/%Y") if p["consent_at"] else "",
            p["valid_to"].strftime("%d/%m/%Y") if p["valid_to"] else "", str(reasons.get(p["end_reason"], "")),
        ])
        rows += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def problems_workbook(problems: list) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Problems"))
    sheet.append([_("Row"), _("Column"), _("Column name"), _("Value"), _("Problem")])
    for number, letter, header, value, message in problems:
        sheet.append([number, letter, _safe(header or ""), _safe(str(value or "")), message])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
