"""`flask import participants FILE.csv`: the office batch import of families and participants."""
import csv
import io
import json
import re

import pytest

from app.core import clock
from app.core.config import ROOT
from app.membership.importer import PARTICIPANT_COLUMNS, import_participants
from app.models import AuditLog, Family, MembershipChange, Participant
from app.rules import contributions

README = ROOT / "README.md"
DEMO_NIK, DEMO_KK = "3201011708850001", "3201010101190001"  # demo family 1, its head (README)

KK_A, KK_B = "3201010505200009", "3273021212210010"
FAMILY_A = dict(kk_number=KK_A, segment="PBPU", care_class="3", district_code="32.01.01",
                address="Kp. Sukamaju RT 01/RW 02, Cibinong", fktp_code="DEMO-PKM-3201", employer="")
HEAD_A = dict(FAMILY_A, nik="3201010203900004", card_number="0009000000001", name="Joko Susilo", sex="L",
              birth_date="1990-03-02", relationship="kepala", phone="081200000009")
WIFE_A = dict(FAMILY_A, nik="3201015507920005", card_number="", name="Ani Rahmawati", sex="P",
              birth_date="1992-07-15", relationship="istri", phone="")
CHILD_A = dict(FAMILY_A, nik="3201012511180006", card_number="", name="Dimas Saputra", sex="L",
               birth_date="2018-11-25", relationship="anak", phone="")
HEAD_B = dict(kk_number=KK_B, segment="PBI", care_class="", district_code="32.73.02",
              address="Jl. Cisitu Lama No. 3, Coblong", fktp_code="", employer="", nik="3273024609700007",
              card_number="", name="Wati Suryani", sex="P", birth_date="1970-09-06", relationship="kepala",
              phone="")
GOOD = (HEAD_A, WIFE_A, CHILD_A, HEAD_B)
ALL_NIKS = [row["nik"] for row in GOOD] + [DEMO_NIK]


def csv_text(rows, columns=PARTICIPANT_COLUMNS):
    """A header and one line per row: a dict (missing columns empty) or a raw line as it stands."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        if isinstance(row, str):
            out.write(row + "\n")
        else:
            writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    def write(rows, name="peserta.csv", **kwargs):
        path = tmp_path / name
        path.write_text(csv_text(rows, **kwargs), encoding="utf-8")
        return path
    return write


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def table_sizes():
    models = (Family, Participant, MembershipChange, AuditLog)
    return {model.__name__: model.select().count() for model in models}


def problems(report):
    return {row.line: (row.outcome, row.reason) for row in report.rows if row.reason}


def test_a_new_file_creates_families_and_members(ctx, write):
    report = import_participants(write(GOOD))
    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0, "duplicate": 0, "invalid": 0}
    assert (report.families_created, report.families_updated) == (2, 0)
    assert [(row.line, row.outcome) for row in report.rows] == [(2, "created"), (3, "created"),
                                                                (4, "created"), (5, "created")]
    today = clock.today()
    head = Participant.by_card("0009000000001")
    assert head == Participant.by_nik(HEAD_A["nik"])
    assert (head.name, head.sex, str(head.birth_date), head.relationship, head.phone, head.registered_on) == (
        "Joko Susilo", "L", "1990-03-02", "kepala", "081200000009", today)
    assert head.nik == HEAD_A["nik"] and head.masked_nik == "3201********0004"
    assert HEAD_A["nik"] not in head.nik_encrypted + head.nik_index
    assert not Participant.select().where(Participant.nik_encrypted.contains(HEAD_A["nik"])).exists()

    family = head.family
    assert (family.kk_number, family.segment, family.care_class, family.district_code, family.fktp.code) == (
        KK_A, "PBPU", 3, "32.01.01", "DEMO-PKM-3201")
    assert family.registered_on == today and family.cover_start == contributions.month_of(today)
    assert family.va_number == f"88888{family.id:011d}"  # PBPU pays through a family VA
    assert family.member_count() == 3
    wife = Participant.by_nik(WIFE_A["nik"])
    assert wife.family == family and re.fullmatch(r"[0-9]{13}", wife.card_number)

    pbi = Family.get(Family.kk_number == KK_B)
    assert (pbi.segment, pbi.care_class, pbi.va_number, pbi.fktp) == ("PBI", 3, None, None)


def test_running_the_same_file_again_changes_nothing(ctx, write):
    path = write(GOOD)
    import_participants(path)
    before = table_sizes()
    cards = {p.id: p.card_number for p in Participant.select()}
    again = import_participants(path)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 4, "duplicate": 0, "invalid": 0}
    assert (again.families_created, again.families_updated) == (0, 0)
    assert table_sizes() == dict(before, AuditLog=before["AuditLog"] + 1)  # only the run's audit entry
    assert {p.id: p.card_number for p in Participant.select()} == cards


def test_a_changed_name_updates_the_member_and_is_recorded(ctx, write):
    import_participants(write(GOOD))
    renamed = dict(WIFE_A, name="Ani Rahmawati Susilo", phone="0812-0000-0010")
    report = import_participants(write([HEAD_A, renamed, CHILD_A, HEAD_B]))
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 3, "duplicate": 0, "invalid": 0}
    assert [row.outcome for row in report.rows if row.line == 3] == ["updated"]
    wife = Participant.by_nik(WIFE_A["nik"])
    assert (wife.name, wife.phone) == ("Ani Rahmawati Susilo", "081200000010")
    changes = {c.field: c for c in MembershipChange.select().where(MembershipChange.participant == wife)}
    assert set(changes) == {"name", "phone"}
    name = changes["name"]
    assert (name.old_value, name.new_value, name.effective_on, name.family_id) == (
        "Ani Rahmawati", "Ani Rahmawati Susilo", clock.today(), wife.family_id)


def test_changed_family_columns_update_the_family_once(ctx, write):
    import_participants(write(GOOD))
    moved = [dict(row, address="Jl. Baru No. 1, Cibinong", fktp_code="DEMO-KLP-3201")
             for row in (HEAD_A, WIFE_A, CHILD_A)]
    report = import_participants(write(moved))
    assert [row.outcome for row in report.rows] == ["updated", "unchanged", "unchanged"]
    assert (report.families_created, report.families_updated) == (0, 1)
    family = Family.get(Family.kk_number == KK_A)
    assert (family.address, family.fktp.code, family.fktp_changed_on) == (
        "Jl. Baru No. 1, Cibinong", "DEMO-KLP-3201", clock.today())
    changes = {c.field: (c.old_value, c.new_value, c.participant_id)
               for c in MembershipChange.select().where(MembershipChange.family == family)}
    assert changes == {"address": (FAMILY_A["address"], "Jl. Baru No. 1, Cibinong", None),
                       "fktp": ("DEMO-PKM-3201", "DEMO-KLP-3201", None)}


def test_an_existing_family_from_another_source_matches_and_gains_a_member(ctx, write):
    head = Participant.by_nik(DEMO_NIK)
    family = head.family
    demo_row = dict(kk_number=family.kk_number, nik=DEMO_NIK, card_number=head.card_number, name=head.name,
                    sex=head.sex, birth_date=head.birth_date.isoformat(), relationship=head.relationship,
                    segment=family.segment, care_class=str(family.care_class or ""),
                    district_code=family.district_code, address=family.address, phone=head.phone,
                    fktp_code=family.fktp.code if family.fktp_id else "", employer=family.employer)
    newborn = dict(demo_row, nik="3201010101250009", card_number="", name="Bayi Santoso",
                   birth_date="2025-01-01", relationship="anak", phone="")
    va, members = family.va_number, family.member_count()
    report = import_participants(write([demo_row, newborn]))
    assert [row.outcome for row in report.rows] == ["unchanged", "created"]
    family = Family.get_by_id(family.id)
    assert (family.va_number, family.member_count()) == (va, members + 1)
    assert not MembershipChange.select().where(MembershipChange.family == family).exists()


def test_a_dry_run_saves_nothing_and_reports_what_a_run_would(ctx, write):
    import_participants(write([HEAD_A]))
    path = write([dict(HEAD_A, name="Joko S."), WIFE_A, CHILD_A, HEAD_B, dict(HEAD_B, sex="X")])
    before = table_sizes()
    dry = import_participants(path, dry_run=True)
    assert table_sizes() == before
    assert Participant.by_nik(HEAD_A["nik"]).name == "Joko Susilo"
    assert dry.text().startswith("DRY RUN — nothing saved\n")
    real = import_participants(path)
    assert dry.counts == real.counts == {"created": 3, "updated": 1, "unchanged": 0, "duplicate": 0,
                                         "invalid": 1}
    assert dry.rows == real.rows
    assert (dry.families_created, dry.families_updated) == (real.families_created, real.families_updated)
    assert not real.text().startswith("DRY RUN")


INVALID = [
    (dict(nik="320101020390000"), "NIK harus 16 angka"),
    (dict(nik="0073024609700007"), "NIK tidak valid: kode provinsi tidak ada"),
    (dict(nik="3273023309700007"), "NIK tidak valid: tanggal lahir di dalamnya tidak mungkin"),
    (dict(nik="3273024609700000"), "NIK tidak valid: nomor urut 0000"),
    (dict(kk_number="3273"), "nomor KK harus 16 angka"),
    (dict(card_number="12345"), "nomor kartu harus 13 angka (atau kosong)"),
    (dict(district_code="32.99.99"), "kode kecamatan tidak dikenal: 32.99.99"),
    (dict(district_code="32.73"), "kode kecamatan tidak dikenal: 32.73"),  # a regency, not a district
    (dict(birth_date="06/09/1970"), "tanggal lahir harus YYYY-MM-DD, mis. 1985-08-17"),
    (dict(birth_date="1970-02-30"), "tanggal lahir harus YYYY-MM-DD, mis. 1985-08-17"),
    (dict(birth_date="2999-09-06"), "tanggal lahir di masa depan"),
    (dict(care_class="4"), "kelas rawat (care_class) harus 1, 2 atau 3"),
    (dict(care_class="1"), "peserta PBI selalu kelas 3"),
    (dict(segment="PBPU"), "kelas rawat (care_class) wajib untuk PBPU"),
    (dict(segment="PPU", care_class="3"), "peserta PPU kelas 1 atau 2"),
    (dict(segment="UMUM"), "segmen harus PBI, PPU, PBPU, BP"),
    (dict(fktp_code="TIDAK-ADA"), "kode FKTP tidak dikenal: TIDAK-ADA"),
    (dict(fktp_code="DEMO-RS-3201"), "DEMO-RS-3201 bukan FKTP mitra BPJS"),
    (dict(name=""), "kolom wajib kosong: name"),
    (dict(name="", address="  ", segment=""), "kolom wajib kosong: name, segment, address"),
    (dict(name="A" * 101), "nama lebih dari 100 huruf"),
    (dict(sex="X"), "jenis kelamin (sex) harus L atau P"),
    (dict(relationship="ayah"), "hubungan (relationship) harus salah satu dari: kepala, suami, istri, anak, lainnya"),
    (dict(phone="nomor-saya"), "nomor HP tidak valid"),
    (dict(employer="PT Contoh"), "pemberi kerja (employer) hanya untuk segmen PPU"),
]


@pytest.mark.parametrize("change, reason", INVALID, ids=[reason for _, reason in INVALID])
def test_each_invalid_row_is_reported_with_its_line_and_reason(ctx, write, change, reason):
    report = import_participants(write([HEAD_A, dict(HEAD_B, **change)]))
    assert problems(report) == {3: ("invalid", reason)}
    assert report.counts["created"] == 1 and report.counts["invalid"] == 1
    assert Participant.by_nik(HEAD_B["nik"]) is None


def test_line_numbers_are_the_file_s_own(ctx, write):
    multi_line = dict(HEAD_A, address="Kp. Sukamaju\nRT 01/RW 02, Cibinong")  # lines 2-3
    wife = dict(WIFE_A, address=multi_line["address"])
    text_rows = [multi_line, "", ",,,,,,,,,,,,,", dict(HEAD_B, sex="X"),  # blank lines 4-5 are skipped
                 "3273021212210010,3273024609700007,too,few", wife]
    report = import_participants(write(text_rows))
    assert problems(report) == {6: ("invalid", "jenis kelamin (sex) harus L atau P"),
                                7: ("invalid", "jumlah kolom 4, seharusnya 14")}
    assert [(row.line, row.outcome) for row in report.rows if not row.reason] == [(2, "created"),
                                                                                  (8, "created")]
    assert Family.get(Family.kk_number == KK_A).address == "Kp. Sukamaju RT 01/RW 02, Cibinong"


def test_later_rows_of_a_kk_must_repeat_its_family_values(ctx, write):
    report = import_participants(write([HEAD_A, dict(WIFE_A, address="Jl. Lain", care_class="2"), CHILD_A]))
    reason = "data keluarga berbeda dengan baris 2 (KK yang sama): care_class, address"
    assert problems(report) == {3: ("invalid", reason)}
    assert report.counts["created"] == 2


def test_duplicates_in_the_file_and_in_the_database(ctx, write):
    demo_head = Participant.by_nik(DEMO_NIK)
    rows = [
        HEAD_A,
        dict(HEAD_A, name="Joko Lagi"),  # 3: the same NIK again
        dict(WIFE_A, nik=DEMO_NIK),  # 4: registered in the demo KK 3201010101190001
        dict(CHILD_A, card_number=demo_head.card_number),  # 5: another person's card
        dict(HEAD_B, card_number="0009000000001"),  # 6: the card line 2 was just given
    ]
    report = import_participants(write(rows))
    assert problems(report) == {
        3: ("duplicate", "NIK 3201********0004 sudah ada di baris 2"),
        4: ("duplicate", "NIK terdaftar di KK lain"),
        5: ("duplicate", "nomor kartu sudah dipakai peserta lain"),
        6: ("duplicate", "nomor kartu sudah dipakai peserta lain"),
    }
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "duplicate": 4, "invalid": 0}
    assert Participant.by_nik(DEMO_NIK).family.kk_number == DEMO_KK  # nobody moved between families
    assert Participant.by_nik(HEAD_A["nik"]).name == "Joko Susilo"


def test_conflicts_with_stored_members_are_refused(ctx, write):
    import_participants(write([HEAD_A, WIFE_A]))
    report = import_participants(write([
        dict(HEAD_A, card_number="0009000000999"),  # 2: a NIK keeps its card number
        dict(WIFE_A, relationship="kepala"),  # 3: the KK has its head already
        dict(CHILD_A, relationship="kepala"),  # 4: likewise, for a new member
    ]))
    assert problems(report) == {
        2: ("invalid", "nomor kartu berbeda dengan yang terdaftar untuk NIK ini"),
        3: ("invalid", "KK ini sudah punya kepala keluarga"),
        4: ("invalid", "KK ini sudah punya kepala keluarga"),
    }
    assert Participant.by_nik(HEAD_A["nik"]).card_number == "0009000000001"


def test_a_bad_row_between_good_ones_stops_neither(ctx, write):
    report = import_participants(write([HEAD_A, dict(WIFE_A, birth_date="15-07-1992"), HEAD_B]))
    assert [row.outcome for row in report.rows] == ["created", "invalid", "created"]
    assert Participant.by_nik(HEAD_A["nik"]) and Participant.by_nik(HEAD_B["nik"])
    assert Participant.by_nik(WIFE_A["nik"]) is None


def test_a_row_failing_in_the_database_is_undone_alone(ctx, write, monkeypatch):
    """A new KK whose member cannot be saved (its card number is taken) leaves no family behind."""
    taken = Participant.by_nik(DEMO_NIK).card_number
    monkeypatch.setattr(Participant, "new_card_number", classmethod(lambda cls: taken))
    report = import_participants(write([HEAD_A, HEAD_B, dict(WIFE_A, card_number="0009000000002")]))
    assert problems(report) == {3: ("invalid", "gagal disimpan: bentrok dengan data yang sudah ada")}
    assert [row.outcome for row in report.rows] == ["created", "invalid", "created"]
    assert Family.get_or_none(Family.kk_number == KK_B) is None
    assert report.families_created == 1
    assert Participant.by_nik(WIFE_A["nik"]).family.kk_number == KK_A


def test_a_nik_that_disagrees_with_the_birth_date_is_only_warned_about(ctx, write):
    report = import_participants(write([dict(HEAD_A, birth_date="1990-03-12", sex="P")]))
    warning = "peringatan: tanggal lahir tidak sesuai NIK; peringatan: jenis kelamin tidak sesuai NIK"
    assert problems(report) == {2: ("created", warning)}
    assert str(Participant.by_nik(HEAD_A["nik"]).birth_date) == "1990-03-12"


def test_ppu_families_keep_their_employer_and_may_leave_the_class_empty(ctx, write):
    ppu = dict(HEAD_A, segment="PPU", care_class="", employer="PT Sinar Contoh")
    report = import_participants(write([ppu]))
    assert report.counts["created"] == 1
    family = Family.get(Family.kk_number == KK_A)
    assert (family.segment, family.care_class, family.employer, family.va_number) == (
        "PPU", None, "PT Sinar Contoh", None)


def test_columns_may_come_in_any_order_with_a_byte_order_mark(ctx, tmp_path):
    columns = tuple(reversed(PARTICIPANT_COLUMNS))
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([HEAD_A], columns=columns).replace("\n", "\r\n").encode())
    report = import_participants(path)
    assert report.counts["created"] == 1 and report.name == "excel.csv"


def test_a_run_leaves_one_audit_entry_with_counts_only(ctx, write):
    import_participants(write([HEAD_A, dict(HEAD_B, sex="X")]), dry_run=True)
    assert not AuditLog.select().where(AuditLog.action == "participants_imported").exists()
    import_participants(write([HEAD_A, dict(HEAD_B, sex="X")]))
    entry = AuditLog.get(AuditLog.action == "participants_imported")
    assert (entry.actor, entry.subject) == (None, "file:peserta.csv")
    assert json.loads(entry.detail) == {"created": 1, "updated": 0, "unchanged": 0, "duplicate": 0,
                                        "invalid": 1, "families_created": 1, "families_updated": 0}


def test_the_report_never_shows_a_full_nik(app, runner, write):
    rows = [HEAD_A, HEAD_A, dict(WIFE_A, nik=DEMO_NIK), dict(CHILD_A, district_code=CHILD_A["nik"]),
            dict(HEAD_B, birth_date="1970-09-07")]
    result = runner.invoke(args=["import", "participants", str(write(rows))])
    assert result.exit_code == 0
    assert not re.search(r"[0-9]{16}", result.output)
    assert not any(nik in result.output for nik in ALL_NIKS)
    assert "line 3: duplicate — NIK 3201********0004 sudah ada di baris 2" in result.output
    assert "line 5: invalid — kode kecamatan tidak dikenal: 3201********0006" in result.output
    with app.app_context():
        for change in MembershipChange.select():
            assert not any(nik in change.old_value + change.new_value for nik in ALL_NIKS)


def test_the_command_prints_the_report(app, runner, write):
    path = write([HEAD_A, dict(WIFE_A, segment="BP"), "too,few", HEAD_B])
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Participants from peserta.csv: 2 created, 0 updated, 0 unchanged, 0 duplicate, 2 invalid.",
        "Families: 2 created, 0 updated.",
        "line 3: invalid — data keluarga berbeda dengan baris 2 (KK yang sama): segment",
        "line 4: invalid — jumlah kolom 2, seharusnya 14",
    ]
    dry = runner.invoke(args=["import", "participants", "--dry-run", str(path)])
    assert dry.exit_code == 0
    assert dry.output.splitlines()[:2] == [
        "DRY RUN — nothing saved",
        "Participants from peserta.csv: 0 created, 0 updated, 2 unchanged, 0 duplicate, 2 invalid.",
    ]
    with app.app_context():
        assert Participant.by_nik(HEAD_B["nik"]).family.kk_number == KK_B


@pytest.mark.parametrize("content, message", [
    (csv_text([HEAD_A], columns=PARTICIPANT_COLUMNS[:-1]).encode(), "Wrong header (missing: employer)"),
    (csv_text([HEAD_A], columns=PARTICIPANT_COLUMNS + ("email",)).encode(), "Wrong header (unknown: email)"),
    (csv_text([HEAD_A], columns=PARTICIPANT_COLUMNS + ("nik",)).encode(), "Wrong header (repeated: nik)"),
    (csv_text([HEAD_A]).replace(",", ";").encode(), "separated by semicolons"),
    (b"", "The file is empty"),
    (csv_text([HEAD_A]).replace("Joko", "J\xf6ko").encode("latin-1"), "The file is not UTF-8"),
])
def test_an_unreadable_file_or_a_wrong_header_exits_1_and_imports_nothing(app, runner, tmp_path, content,
                                                                         message):
    path = tmp_path / "salah.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["import", "participants", str(path)])
    assert result.exit_code == 1 and message in result.output
    with app.app_context():
        assert Participant.by_nik(HEAD_A["nik"]) is None


def test_a_missing_file_exits_1(runner, tmp_path):
    result = runner.invoke(args=["import", "participants", str(tmp_path / "tidak-ada.csv")])
    assert result.exit_code == 1 and "Cannot read" in result.output
    directory = runner.invoke(args=["import", "participants", str(tmp_path)])
    assert directory.exit_code == 1 and "Cannot read" in directory.output


def test_the_readme_documents_the_columns_and_its_example_imports(ctx, tmp_path):
    text = README.read_text(encoding="utf-8")
    section = text.split("## Office batch import (participants CSV)")[1].split("\n## ")[0]
    assert text.index("## Office batch import (participants CSV)") < text.index("## Where things are")
    for column in PARTICIPANT_COLUMNS:
        assert re.search(rf"^\| `{column}`( ★)? \|", section, re.MULTILINE), column
    example = re.search(r"```csv\n(.*?)```", section, re.DOTALL)[1]
    path = tmp_path / "contoh.csv"
    path.write_text(example, encoding="utf-8")
    report = import_participants(path)
    assert report.counts["created"] == 3 and not problems(report)
