"""`flask rotate-field-key`: every registered encrypted column moves to the new FIELD_KEY, blind
indexes are rebuilt, both keys work while it runs, and an interrupted run resumes where it stopped.

Runs inside the test's transaction (each batch is a savepoint), so the suite's data goes back to
the old key afterwards."""
import base64
import uuid

import pytest

from app import create_app
from app.core import rotation, security
from app.core.config import TestConfig
from app.models import ChangeRequest, Participant, Registration
from tests.helpers import sign_in

OLD_KEY = TestConfig.FIELD_KEY
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def app_with_keys(app, current, previous=None):
    return create_app(type("Keyed", (TestConfig,), {"DATABASE_URL": app.config["DATABASE_URL"],
                                                    "FIELD_KEY": current, "FIELD_KEY_PREVIOUS": previous}))


def spec_of(model):
    return next(spec for spec in security.ENCRYPTED_FIELDS if spec.model is model)


@pytest.fixture
def plain(app):
    """Every encrypted value under the old key (and a registration draft and a change request)."""
    with app.app_context():
        draft = Registration(token=uuid.uuid4().hex[:16])
        draft.data = {"nik": "3201011708850001", "note": "draf"}
        draft.save()
        change = ChangeRequest.select().first()
        values = {"nik": {p.id: p.nik for p in Participant.select()},
                  "registration": {r.id: r.data for r in Registration.select()},
                  "change_request": {c.id: c.data for c in ChangeRequest.select()}}
    assert draft and values["nik"] and values["registration"]
    return values, change


def test_every_encrypted_column_is_registered():
    registered = {repr(spec) for spec in security.ENCRYPTED_FIELDS}
    assert {"Participant.nik_encrypted", "Registration.data_encrypted", "ChangeRequest.data_encrypted"} <= registered
    assert spec_of(Participant).index == "nik_index"


def test_an_interrupted_rotation_resumes_and_both_keys_work_meanwhile(app, plain, monkeypatch):
    values, _ = plain
    rotating = app_with_keys(app, NEW_KEY, OLD_KEY)
    participants = spec_of(Participant)
    with rotating.app_context():
        total = Participant.select().count()
        assert rotation.left()["Participant.nik_encrypted"] == total
        last, done = rotation.rotate_batch(participants, 0, size=3)  # one batch committed
        assert done == 3

        real = security.blind_index
        calls = []

        def crash(*args):  # the second batch dies half-way (a killed process)
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("killed")
            return real(*args)

        monkeypatch.setattr(security, "blind_index", crash)
        with pytest.raises(RuntimeError):
            rotation.rotate_batch(participants, last, size=3)
        monkeypatch.setattr(security, "blind_index", real)
        assert rotation.left()["Participant.nik_encrypted"] == total - 3  # nothing half-saved

        rotated = Participant.select().where(Participant.id <= last)
        waiting = Participant.select().where(Participant.id > last)
        for person in list(rotated) + list(waiting):  # both keys decrypt and find by NIK
            assert person.nik == values["nik"][person.id]
            assert Participant.by_nik(values["nik"][person.id]).id == person.id
    budi_nik = values["nik"][Participant.by_card("0001000000001").id]
    dewi_nik = values["nik"][Participant.by_card("0001000000002").id]
    for nik in (budi_nik, dewi_nik):  # sign-in by NIK on either side of the marker
        assert sign_in(rotating.test_client(), nik).status_code == 303

    result = rotating.test_cli_runner().invoke(args=["rotate-field-key", "--batch", "4"])
    assert result.exit_code == 0, result.output
    assert "Rows left on another key: 0" in result.output and "FIELD_KEY_PREVIOUS can be removed" in result.output
    assert f"Participant.nik_encrypted: {total - 3} row(s) re-encrypted" in result.output

    new_only = app_with_keys(app, NEW_KEY)  # the old key is gone: everything still reads
    with new_only.app_context():
        assert {p.id: p.nik for p in Participant.select()} == values["nik"]
        assert {r.id: r.data for r in Registration.select()} == values["registration"]
        assert {c.id: c.data for c in ChangeRequest.select()} == values["change_request"]
        for person_id, nik in values["nik"].items():
            assert Participant.by_nik(nik).id == person_id
        prefix = security.current_key_prefix()
        assert all(p.nik_encrypted.startswith(prefix) for p in Participant.select())
    assert sign_in(new_only.test_client(), budi_nik).status_code == 303
    again = new_only.test_cli_runner().invoke(args=["rotate-field-key"])
    assert "re-encrypted" in again.output and "Rows left on another key: 0" in again.output
    assert "Participant.nik_encrypted: 0 row(s)" in again.output


def test_a_value_of_an_unknown_key_is_refused_not_misread(app):
    with app.app_context():
        sealed = security.encrypt("3201011708850001", "nik")
    with app_with_keys(app, NEW_KEY).app_context():
        with pytest.raises(ValueError, match="no configured key"):
            security.decrypt(sealed, "nik")


def test_values_sealed_before_key_ids_still_read(app):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with app.app_context():
        key = security._keys().current.encryption
        nonce = b"\0" * 12
        legacy = "v1:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, b"3201", b"nik")).decode()
        assert security.decrypt(legacy, "nik") == "3201"
    with app_with_keys(app, NEW_KEY, OLD_KEY).app_context():
        assert security.decrypt(legacy, "nik") == "3201"


def test_every_encrypted_column_of_every_model_is_registered_for_rotation():
    """A column that holds ciphertext but is missing from the registry would be left on the old key
    by `flask rotate-field-key`, and unreadable once that key is gone."""
    from app.core import security
    from app.models import MODELS

    registered = {(f.model, f.column) for f in security.ENCRYPTED_FIELDS}
    columns = {(model, name) for model in MODELS for name in model._meta.fields if name.endswith("_encrypted")}
    assert columns and columns <= registered, columns - registered
