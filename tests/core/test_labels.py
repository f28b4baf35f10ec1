"""One home for labels (app/core/labels.py): every code the app stores or audits has words in
Indonesian, and every one of those words has an English translation."""
import ast

import pytest
from babel.messages.pofile import read_po

from app.core import labels
from app.core.config import ROOT
from app.models import Booking, ChangeRequest, Facility, Family, Participant, Payment, SmsMessage
from app.models.accounts import ROLES
from app.rules import contributions
from app.rules import health as health_rules
from app.rules import queue as queue_rules
from app.rules import reminders as reminder_rules

CATALOG = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def audited_actions():
    """Every action code passed as a literal to audit(…) or AuditLog.record(…) anywhere in app/."""
    found = {}
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("audit", "record") or (name == "record" and getattr(node.func.value, "id", "") != "AuditLog"
                                                    and getattr(node.func.value, "id", "") != "cls"):
                continue
            candidates = [node.args[1]]
            while candidates:
                arg = candidates.pop()
                if isinstance(arg, ast.IfExp):
                    candidates += [arg.body, arg.orelse]
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, str(path.relative_to(ROOT)))
    return found


def test_the_action_finder_finds_what_we_know_is_there():
    actions = audited_actions()
    assert {"card_viewed", "queue_board_viewed", "payment_assigned"} <= set(actions)


def test_every_audited_action_has_a_label():
    missing = {code: where for code, where in audited_actions().items() if code not in labels.ACTION_LABELS}
    assert not missing, f"actions shown in the access history without words: {missing}"


@pytest.mark.parametrize(("codes", "table"), [
    (ROLES, labels.ROLE_LABELS),
    (Participant.SEXES, labels.SEX_LABELS),
    (Participant.RELATIONSHIPS, labels.RELATIONSHIP_LABELS),
    (Family.SEGMENTS, labels.SEGMENT_LABELS),
    (contributions.SEGMENTS, labels.SEGMENT_LABELS),
    (("aktif", "nonaktif_tunggakan", "menunggu_pembayaran", "nonaktif_lain"), labels.STATUS_LABELS),
    (ChangeRequest.KINDS, labels.CHANGE_KIND_LABELS),
    (ChangeRequest.STATUSES, labels.REQUEST_STATUS_LABELS),
    (Facility.KINDS, labels.KIND_LABELS),
    (queue_rules.SERVICES, labels.SERVICE_LABELS),
    (queue_rules.BED_CLASSES, labels.BED_CLASS_LABELS),
    (Booking.STATUSES, labels.BOOKING_STATUS_LABELS),
    (tuple(queue_rules.STAFF_ACTIONS), labels.STAFF_ACTION_LABELS),
    (Payment.STATUSES, labels.PAYMENT_STATUSES),
    (health_rules.SERVICE_TYPES, labels.SERVICE_TYPE_LABELS),
    (health_rules.PRB_CONDITIONS, labels.PRB_CONDITION_LABELS),
    (reminder_rules.KINDS, labels.REMINDER_LABELS),
    (SmsMessage.STATES, labels.SMS_STATE_LABELS),
], ids=lambda value: "" if isinstance(value, dict) else ",".join(map(str, value))[:40])
def test_every_code_has_a_label(codes, table):
    assert set(codes) <= set(table), set(codes) - set(table)


def label_tables():
    return {name: value for name, value in vars(labels).items()
            if name.isupper() and name != "TEMPLATE_GLOBALS" and isinstance(value, (dict, tuple))}


def test_every_label_has_an_english_translation():
    english = {m.id: m.string for m in read_po(CATALOG.open("rb")) if m.id}
    untranslated = []
    for name, table in label_tables().items():
        for label in (table.values() if isinstance(table, dict) else table):
            text = getattr(label, "_args", (str(label),))[0]
            if not english.get(text):
                untranslated.append(f"{name}: {text}")
    assert not untranslated, untranslated


def test_labels_live_only_in_the_labels_module():
    """A `*_LABELS` table defined anywhere else in app/ is a second home for words."""
    elsewhere = []
    for path in (ROOT / "app").rglob("*.py"):
        if path.name == "labels.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "").endswith("_LABELS") for t in node.targets):
                elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not elsewhere, elsewhere
