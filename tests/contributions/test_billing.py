"""Tagihan iuran: the bill, payment history and receipts, REHAB plans and auto-debit — each family
sees only its own, every refusal is a clear message and saves nothing."""
from datetime import date, datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup

from app.contributions import billing, ledger
from app.core import clock, demo
from app.core.formatting import date_id
from app.models import (
    Allocation,
    AuditLog,
    AutoDebit,
    Family,
    Participant,
    Payment,
    RehabInstalment,
    RehabPlan,
    User,
)
from app.rules import contributions
from tests.helpers import csrf_token, page, sign_in, signed_in_client

BUDI_DUE = 3 * 35_000  # Kelas 3, 3 members: what Budi's family owes a month
DEWI_DUE = 2 * 100_000  # Kelas 2, 2 members


def budi_plans():
    """Budi's family's REHAB plans (the demo has a family on a plan of its own)."""
    return RehabPlan.select().join(Family).where(Family.kk_number == "3201010101190001")


def this_month():
    return contributions.month_of(clock.today())


def months_ago(n):
    return contributions.add_months(this_month(), -n)


def month_label(month):
    return date_id(month, "id").split(" ", 1)[1]


def text_of(element):
    return element.get_text(" ", strip=True)


def budi_family(app):
    with app.app_context():
        return Participant.by_card("0001000000001").family


def set_arrears(app, months):
    """Budi's family (demo: paid up to 4 months ago) with `months` unpaid months before this one."""
    family = budi_family(app)
    with app.app_context():
        allocations = Allocation.select().where(
            (Allocation.family == family) & (Allocation.month >= months_ago(months)))
        payment_ids = [a.payment_id for a in allocations]
        Allocation.delete().where(Allocation.payment.in_(payment_ids)).execute()
        Payment.delete().where(Payment.id.in_(payment_ids)).execute()
        ledger.store(family)
        assert len(family.status_on(clock.today()).arrears) == months
    return family


def pay(app, family, amount, months=(), paid_at=None, reference=None):
    """An applied payment, allocated to `months` [(month, amount)], the rest left as credit."""
    with app.app_context():
        payment = Payment.create(family=family, va_number=family.va_number or "-", amount=amount,
                                 channel="atm", reference=reference or f"T-{amount}-{len(months)}-{paid_at}",
                                 paid_at=paid_at or clock.now())
        for month, part in months:
            Allocation.create(payment=payment, family=family, month=month, amount=part)
        ledger.store(family)
    return payment


def new_family_client(app, segment, employer="", card="0009000000001"):
    """A family of one (the head, with an account) in `segment`, signed in."""
    with app.app_context():
        family = Family.create(kk_number="3201010101990009", segment=segment, care_class=3,
                               employer=employer, registered_on=date(2024, 1, 2), cover_start=date(2024, 1, 1))
        head = Participant(card_number=card, name="Ani Rahayu", sex="P", birth_date=date(1990, 1, 1),
                           family=family, relationship="kepala")
        head.nik = "3201014101900009"
        head.save()
        ledger.store(family)
        user = User(participant=head, role="peserta")
        user.set_password(demo.PASSWORD)
        user.save()
    return _client_for(app, card)


def siti_client(app):
    """Siti, Budi's wife (not the family head), with an account of her own."""
    with app.app_context():
        user = User(participant=Participant.by_card("0001000000003"), role="peserta")
        user.set_password(demo.PASSWORD)
        user.save()
    return _client_for(app, "0001000000003")


def _client_for(app, card):
    client = app.test_client()
    assert sign_in(client, card).status_code == 303
    return client


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/iuran")})


# --- the bill -------------------------------------------------------------------------------------

def test_bill_lists_each_month_in_arrears_and_the_reactivation_amount(budi):
    html = page(budi.get("/iuran"))
    since = months_ago(2)  # the first unpaid month was 3 months ago: cover stopped a month later
    status = text_of(html.select_one("#tagihan"))
    assert f"Status Anda nonaktif sejak {date_id(since, 'id')}. Bayar Rp420.000 untuk aktif kembali." in status
    assert "Aturan berlaku per 1 Jan 2021." in status
    rows = [text_of(li) for li in html.select("#tunggakan li")]
    assert rows == [f"{month_label(months_ago(n))}: Rp105.000 aturan berlaku per 1 Jan 2021" for n in (3, 2, 1)]
    total = text_of(html.select_one("#total"))
    assert "Total untuk aktif kembali (tunggakan + bulan ini): Rp420.000" in total
    assert "aturan berlaku per 1 Jan 2021" in total
    month = text_of(html.find("h2", string=f"Bulan ini: {month_label(this_month())}").find_next("p"))
    assert f"Iuran 3 orang: Rp105.000, jatuh tempo {date_id(contributions.due_date(this_month()), 'id')}." in month
    assert "aturan berlaku per 1 Jan 2021" in month


def test_bill_gives_the_va_and_how_to_pay_by_each_channel(budi):
    html = page(budi.get("/iuran"))
    assert html.select_one("#va").get_text() == "8888 8000 0000 0001"  # grouped for reading
    channels = [li.b.get_text() for li in html.find("h2", string="Cara bayar").find_next("ol").select("li")]
    assert channels == ["ATM atau m-banking", "Minimarket", "Kantor Pos", "Agen atau kader JKN"]
    assert "Bayar/Beli → BPJS Kesehatan" in html.get_text()
    links = {a["href"] for a in html.select("main a")}
    assert {"/iuran/riwayat", "/iuran/rehab", "/iuran/autodebet", "/kalkulator-denda", "/tarif-iuran"} <= links


def test_paid_up_family_owes_nothing_in_arrears(dewi):
    html = page(dewi.get("/iuran"))
    status = text_of(html.select_one("#tagihan"))
    assert "AKTIF" in status and "Iuran bulan ini sudah lunas." in status
    assert html.select_one("#tunggakan") is None and "Tidak ada tunggakan." in html.get_text()
    assert "Sudah lunas." in html.get_text()
    following = contributions.add_months(this_month(), 1)
    assert (f"Iuran {month_label(following)}: Rp200.000, jatuh tempo "
            f"{date_id(contributions.due_date(following), 'id')}.") in html.get_text(" ", strip=True)


def test_active_family_with_this_month_unpaid_is_told_what_happens_at_month_end(app, dewi):
    with app.app_context():
        payment = Payment.get(Payment.reference == f"DEMO-F{Family.get(kk_number='3273020202180002').id}-{this_month():%Y%m}")
        Allocation.delete().where(Allocation.payment == payment).execute()
        payment.delete_instance()
        ledger.store(payment.family)
    status = text_of(page(dewi.get("/iuran")).select_one("#tagihan"))
    assert "Status Anda aktif." in status and "Rp200.000" in status
    assert f"kartu nonaktif mulai {date_id(contributions.add_months(this_month(), 1), 'id')}." in status
    due = contributions.due_date(this_month())
    expected = (f"paling lambat {date_id(due, 'id')}." if clock.today() <= due
                else f"Jatuh tempo {date_id(due, 'id')} sudah lewat")
    assert expected in status


def test_family_awaiting_its_first_payment(app):
    client = new_family_client(app, "PBPU")
    with app.app_context():
        Family.update(cover_start=this_month(), va_number="8888800000000999").where(
            Family.kk_number == "3201010101990009").execute()
        ledger.store(Family.get(Family.kk_number == "3201010101990009"))
    status = text_of(page(client.get("/iuran")).select_one("#tagihan"))
    assert "Kartu belum aktif: iuran pertama belum dibayar." in status
    assert "Bayar Rp35.000 agar kartu aktif." in status and "Aturan berlaku per 1 Jan 2021." in status


def test_pbi_family_is_paid_by_the_government(app):
    client = new_family_client(app, "PBI")
    html = page(client.get("/iuran"))
    text = text_of(html.main)
    assert "dibayar oleh pemerintah (PBI)" in text and "tidak bisa menunggak" in text
    assert html.select_one("#va") is None and html.select_one("#tunggakan") is None
    assert "/iuran/rehab" not in {a["href"] for a in html.select("main a")}
    rehab = page(client.get("/iuran/rehab"))
    assert "dibayar pemerintah atau pemberi kerja" in text_of(rehab.select_one("#simulasi .error"))


def test_ppu_family_is_billed_to_the_employer(app):
    html = page(new_family_client(app, "PPU", employer="PT Maju Jaya").get("/iuran"))
    text = text_of(html.main)
    assert "Iuran Anda dibayar lewat pemberi kerja: PT Maju Jaya." in text
    assert "4% dibayar pemberi kerja, 1% dipotong dari gaji Anda" in text
    assert html.select_one("#va") is None and "8888" not in text


def test_partial_payment_shows_what_is_still_owed(app, budi):
    family = budi_family(app)
    pay(app, family, 50_000, [(months_ago(3), 50_000)], paid_at=datetime.combine(clock.today(), datetime.min.time()))
    html = page(budi.get("/iuran"))
    rows = [text_of(li) for li in html.select("#tunggakan li")]
    assert rows[0] == f"{month_label(months_ago(3))}: Rp55.000 (sisa dari Rp105.000) aturan berlaku per 1 Jan 2021"
    assert rows[1].startswith(f"{month_label(months_ago(2))}: Rp105.000")
    assert "Rp370.000" in text_of(html.select_one("#total"))


def test_credit_is_shown_when_there_is_some(app, budi):
    assert page(budi.get("/iuran")).select_one("#saldo") is None
    pay(app, budi_family(app), 120_000, [(months_ago(3), 105_000)])
    html = page(budi.get("/iuran"))
    assert "Kelebihan bayar (saldo): Rp15.000" in text_of(html.select_one("#saldo"))
    # the credit is spent first when the next payment is applied: it comes off what is left to pay
    assert "Bayar Rp300.000 untuk aktif kembali." in text_of(html.select_one("#tagihan"))
    total = text_of(html.select_one("#total"))
    assert "(tunggakan + bulan ini): Rp315.000" in total and "Dikurangi saldo Rp15.000: bayar Rp300.000." in total


def test_credit_that_covers_everything_needs_no_rehab(app, budi):
    set_arrears(app, 6)
    pay(app, budi_family(app), 735_000)  # not yet applied to any month: all credit
    html = page(budi.get("/iuran"))
    assert "Saldo Anda cukup untuk aktif kembali" in text_of(html.select_one("#tagihan"))
    rehab = page(budi.get("/iuran/rehab?cicilan=2"))
    assert "REHAB tidak diperlukan" in text_of(rehab.select_one("#simulasi .error")) and not rehab.select("#jadwal")


def test_only_24_months_of_arrears_count_for_reactivation(app, budi):
    set_arrears(app, 30)
    html = page(budi.get("/iuran"))
    assert "30 bulan belum lunas:" in html.get_text()
    assert "hanya 24 bulan terakhir yang dihitung. 6 bulan yang lebih lama tidak perlu dibayar." in html.get_text()
    rows = html.select("#tunggakan li")
    assert len(rows) == 24 and text_of(rows[0]).startswith(month_label(months_ago(24)))
    assert f"Bayar {'Rp2.625.000'} untuk aktif kembali." in text_of(html.select_one("#tagihan"))  # 25 × 105.000


def test_bill_for_is_callable_without_http(app):
    family = budi_family(app)
    with app.app_context():
        bill = billing.bill_for(family, clock.today())
    assert bill.payer == "va" and bill.arrears_months == 3 and bill.to_pay == 4 * BUDI_DUE
    assert [line.month for line in bill.arrears] == [months_ago(n) for n in (3, 2, 1)]
    assert bill.to_pay_rules == (date(2021, 1, 1),) and bill.credit == 0 and bill.rehab is None


# --- payment history and receipts ---------------------------------------------------------------

def test_history_is_newest_first_in_bounded_pages(app, dewi):
    first = page(dewi.get("/iuran/riwayat"))
    rows = first.select("#pembayaran li a")
    assert len(rows) == billing.HISTORY_PAGE
    newest = contributions.add_months(this_month(), 0)
    assert rows[0].get_text().startswith(f"5 {month_label(newest)} 10.00 WIB")
    more = first.find("a", rel="next")["href"]
    second = page(dewi.get(more))
    later_rows = second.select("#pembayaran li a")
    assert later_rows[0].get_text().startswith(f"5 {month_label(months_ago(billing.HISTORY_PAGE))}")
    first_ids = {a["href"] for a in rows}
    assert not first_ids & {a["href"] for a in later_rows}
    assert second.find("a", string="Kembali ke yang terbaru")


@pytest.mark.parametrize("cursor", ["abc", "-1", str(10**20), "0", "1.5", "١٢"])
def test_history_with_a_bad_cursor_shows_the_newest_with_a_message(dewi, cursor):
    response = dewi.get(f"/iuran/riwayat?sebelum={cursor}")
    assert response.status_code == 200
    html = page(response)
    assert "Alamat halaman ini tidak sah" in text_of(html.select_one(".error"))
    assert len(html.select("#pembayaran li a")) == billing.HISTORY_PAGE


def test_history_cursor_of_another_family_is_refused(app, budi):
    with app.app_context():
        dewi_payment = Payment.select().join(Family).where(Family.va_number == "8888800000000002").first()
    html = page(budi.get(f"/iuran/riwayat?sebelum={dewi_payment.id}"))
    assert html.select_one(".error") and "Rp200.000" not in html.get_text()


def test_receipt_shows_the_months_covered_and_the_credit_left(app, budi):
    family = budi_family(app)
    payment = pay(app, family, 250_000, [(months_ago(3), 105_000), (months_ago(2), 105_000)],
                  paid_at=datetime.combine(clock.today() - timedelta(days=1), time(2, 30)),  # 09.30 WIB
                  reference="ATM-778899")
    history = page(budi.get("/iuran/riwayat"))
    link = history.select_one("#pembayaran li a")
    assert link["href"] == f"/iuran/bukti/{payment.id}"
    html = page(budi.get(link["href"]))
    facts = text_of(html.select_one("#bukti"))
    yesterday = date_id(clock.today() - timedelta(days=1), "id")
    assert "Rp250.000" in facts and f"{yesterday} 09.30 WIB" in facts and "ATM-778899" in facts and "atm" in facts
    assert [text_of(li) for li in html.select("#bulan li")] == [
        f"{month_label(months_ago(3))}: Rp105.000", f"{month_label(months_ago(2))}: Rp105.000"]
    assert text_of(html.select_one("#sisa")) == "Rp40.000"


def test_demo_receipt_without_credit(app, budi):
    with app.app_context():
        payment = Payment.get(Payment.reference == f"DEMO-F{Family.get(kk_number='3201010101190001').id}-{months_ago(4):%Y%m}")
    html = page(budi.get(f"/iuran/bukti/{payment.id}"))
    assert [text_of(li) for li in html.select("#bulan li")] == [f"{month_label(months_ago(4))}: Rp105.000"]
    assert html.select_one("#sisa") is None


def test_another_familys_receipt_does_not_exist(app, budi):
    with app.app_context():
        dewi_ids = [p.id for p in Payment.select().join(Family).where(Family.va_number == "8888800000000002").limit(5)]
    for payment_id in dewi_ids + [999_999_999, 10**20]:
        response = budi.get(f"/iuran/bukti/{payment_id}")
        assert response.status_code == 404
        assert "Rp200.000" not in response.get_data(as_text=True)


def test_unapplied_payments_are_not_receipts(app, budi):
    payment = pay(app, budi_family(app), 105_000)
    with app.app_context():
        Payment.update(status="refunded").where(Payment.id == payment.id).execute()
    assert budi.get(f"/iuran/bukti/{payment.id}").status_code == 404


# --- REHAB --------------------------------------------------------------------------------------

def first_due():
    return contributions.due_date(contributions.add_months(this_month(), 1))


def test_rehab_is_refused_for_3_months_of_arrears(app, budi):
    html = page(budi.get("/iuran/rehab"))
    assert "REHAB hanya untuk tunggakan lebih dari 3 bulan" in text_of(html.select_one("#simulasi .error"))
    assert html.select_one("#simulasi form") is None
    response = post(budi, "/iuran/rehab", {"cicilan": "2"})
    assert response.status_code == 200
    assert "lebih dari 3 bulan" in text_of(page(response).select_one(".error"))
    with app.app_context():
        assert budi_plans().count() == 0


def test_rehab_is_refused_above_24_months(app, budi):
    set_arrears(app, 25)
    html = page(budi.get("/iuran/rehab?cicilan=12"))
    assert "sampai 24 bulan" in text_of(html.select_one("#simulasi .error"))
    assert html.select_one("#jadwal") is None


def test_rehab_simulation_lists_each_instalment(app, budi):
    set_arrears(app, 6)  # 6 months + this month = 7 × 105.000
    html = page(budi.get("/iuran/rehab"))
    assert "Berapa kali cicilan? 2 sampai 6." in html.get_text()
    assert html.select_one("#jadwal") is None
    html = page(budi.get("/iuran/rehab?cicilan=3"))
    rows = [text_of(li) for li in html.select("#jadwal li")]
    dues = [contributions.due_date(contributions.add_months(first_due(), n)) for n in range(3)]
    assert rows == [f"Cicilan ke-{n + 1}: Rp245.000, paling lambat {date_id(due, 'id')}" for n, due in enumerate(dues)]
    assert "Jumlah Rp735.000 · aturan berlaku per 1 Jan 2021" in html.get_text()
    assert html.select_one("#cicilan")["value"] == "3"
    register = html.select_one('#simulasi form[method="post"]')
    assert register["action"] == "/iuran/rehab" and register.find("input", {"name": "csrf_token"})


def test_rehab_schedule_sums_to_the_total_with_the_remainder_first(app, budi):
    set_arrears(app, 6)
    html = page(budi.get("/iuran/rehab?cicilan=4"))
    amounts = [text_of(li).split(": ")[1].split(",")[0] for li in html.select("#jadwal li")]
    assert amounts == ["Rp183.750"] * 4  # 735.000 / 4


@pytest.mark.parametrize("value", ["abc", "1", "7", "13", "-2", "99999999999999999999", "", "٣"])
def test_rehab_simulation_with_a_bad_count_says_so_and_keeps_it(app, budi, value):
    set_arrears(app, 6)
    response = budi.get("/iuran/rehab", query_string={"cicilan": value})
    assert response.status_code == 200
    html = page(response)
    assert text_of(html.select_one("#cicilan-error")) == "Tulis angka 2 sampai 6."
    assert html.select_one("#cicilan").get("value", "") == value
    assert html.select_one("#jadwal") is None


def test_rehab_simulation_as_an_htmx_fragment(app, budi):
    set_arrears(app, 6)
    response = budi.get("/iuran/rehab?cicilan=6", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert len(response.get_data()) <= 2048
    html = page(budi.get("/iuran/rehab?cicilan=6", headers={"HX-Request": "true"}))
    assert html.find("html") is None and html.select_one("section#simulasi")
    assert len(html.select("#jadwal li")) == 6
    boosted = page(budi.get("/iuran/rehab?cicilan=6", headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert boosted.title and boosted.h1 and len(boosted.select("#jadwal li")) == 6
    form = page(budi.get("/iuran/rehab")).select_one('#simulasi form[method="get"]')
    assert form["hx-get"] == "/iuran/rehab" and form["hx-target"] == "#simulasi"


def test_registering_a_rehab_plan_saves_it_and_the_bill_shows_the_next_instalment(app, budi):
    family = set_arrears(app, 6)
    response = post(budi, "/iuran/rehab", {"cicilan": "3"})
    assert response.status_code == 303 and response.headers["Location"] == "/iuran"
    with app.app_context():
        plan = RehabPlan.get(RehabPlan.family == family)
        assert (plan.status, plan.arrears_months, plan.total) == ("aktif", 6, 735_000)
        instalments = list(plan.instalments.order_by(RehabInstalment.number))
        assert [(i.number, i.amount) for i in instalments] == [(1, 245_000), (2, 245_000), (3, 245_000)]
        assert instalments[0].due_on == first_due()
        entry = AuditLog.select().where(AuditLog.action == "rehab_registered").order_by(AuditLog.id.desc()).get()
        assert entry.subject == f"family:{family.id}"
        assert entry.on_behalf_of_id == Participant.by_card("0001000000001").id
    html = page(budi.get("/iuran"))
    assert "REHAB terdaftar: 3 kali cicilan." in html.get_text()
    status = text_of(html.select_one("#tagihan"))
    assert f"bayar cicilan ke-1 dari 3, Rp245.000, paling lambat {date_id(first_due(), 'id')}" in status
    assert "Kartu aktif kembali hanya setelah semua tunggakan dan iuran bulan berjalan lunas." in status
    assert "untuk aktif kembali." not in status  # the instalment instead of the lump sum
    assert "Cicilan berikutnya: ke-1 dari 3" in text_of(html.select_one("#rehab-next"))
    assert html.select_one("#total") is None
    assert "Sudah termasuk dalam cicilan REHAB." in html.get_text()


def test_payments_since_the_plan_move_the_next_instalment(app, budi):
    family = set_arrears(app, 6)
    with app.app_context():
        user = User.get(User.participant == Participant.by_card("0001000000001"))
        billing.register_rehab(user, user.participant, 3, clock.today())
    pay(app, family, 50_000, paid_at=clock.now() - timedelta(days=1))  # before the plan: does not count
    pay(app, family, 300_000, [(months_ago(6), 105_000), (months_ago(5), 105_000), (months_ago(4), 90_000)],
        paid_at=clock.now() + timedelta(seconds=1))
    html = page(budi.get("/iuran"))
    assert "Cicilan berikutnya: ke-2 dari 3, Rp190.000" in text_of(html.select_one("#rehab-next"))
    assert "Sisa cicilan Rp435.000" in text_of(html.select_one("#rehab-next"))
    rehab = page(budi.get("/iuran/rehab"))
    assert [li.b.get_text() if li.b else "" for li in rehab.select("#cicilan-aktif li")] == [
        "lunas", "berikutnya", ""]
    assert "sudah punya REHAB yang berjalan" in text_of(rehab.select_one("#simulasi .error"))


def test_a_second_plan_is_refused_while_one_runs(app, budi):
    family = set_arrears(app, 6)
    assert post(budi, "/iuran/rehab", {"cicilan": "2"}).status_code == 303
    response = post(budi, "/iuran/rehab", {"cicilan": "4"})
    assert response.status_code == 200
    assert "sudah punya REHAB yang berjalan" in text_of(page(response).select_one(".error"))
    with app.app_context():
        assert RehabPlan.select().where(RehabPlan.family == family).count() == 1


def test_a_finished_plan_makes_way_for_a_new_one(app, budi):
    family = set_arrears(app, 6)
    with app.app_context():
        user = User.get(User.participant == Participant.by_card("0001000000001"))
        old = billing.register_rehab(user, user.participant, 2, clock.today())
        made = clock.now() - timedelta(minutes=2)  # made this month (WIB), before the payment
        RehabPlan.update(created_at=made, total=2_000).where(RehabPlan.id == old.id).execute()
        RehabInstalment.update(amount=1_000).where(RehabInstalment.plan == old.id).execute()
    pay(app, family, 2_000, paid_at=made + timedelta(minutes=1))  # all its instalments, as credit
    assert post(budi, "/iuran/rehab", {"cicilan": "2"}).status_code == 303
    with app.app_context():
        assert [p.status for p in budi_plans().order_by(RehabPlan.id)] == ["lunas", "aktif"]


@pytest.mark.parametrize("value", ["13", "1", "abc", ""])
def test_registering_with_a_bad_count_saves_nothing(app, budi, value):
    set_arrears(app, 6)
    response = post(budi, "/iuran/rehab", {"cicilan": value})
    assert response.status_code == 200
    html = page(response)
    assert text_of(html.select_one("#cicilan-error")) == "Tulis angka 2 sampai 6."
    assert html.select_one("#cicilan").get("value", "") == value
    with app.app_context():
        assert budi_plans().count() == 0 and not AuditLog.select().where(
            (AuditLog.action == "rehab_registered") & AuditLog.subject.startswith("family:") & (
                AuditLog.on_behalf_of == Participant.by_card("0001000000001"))).exists()


def test_only_the_family_head_registers_a_plan(app):
    set_arrears(app, 6)
    siti = siti_client(app)
    html = page(siti.get("/iuran/rehab?cicilan=2"))
    assert len(html.select("#jadwal li")) == 2 and html.select_one('#simulasi form[method="post"]') is None
    assert "Hanya kepala keluarga yang bisa mendaftarkan REHAB." in html.get_text()
    response = post(siti, "/iuran/rehab", {"cicilan": "2"})
    assert response.status_code == 200
    assert "Hanya kepala keluarga" in text_of(page(response).select_one(".error"))
    with app.app_context():
        assert budi_plans().count() == 0


# --- autodebet ----------------------------------------------------------------------------------

def auto_debit_form(**overrides):
    return {"bank": "BRI", "account": "0123 4567 8901 23", "debit_day": "5", **overrides}


def test_auto_debit_register_replace_and_stop(app, budi):
    family = budi_family(app)
    response = post(budi, "/iuran/autodebet", auto_debit_form())
    assert response.status_code == 303 and response.headers["Location"] == "/iuran"
    html = page(budi.get("/iuran"))
    assert text_of(html.select_one("#autodebet")) == "Autodebet: BRI rekening ****0123, tiap tanggal 5."
    with app.app_context():
        debit = AutoDebit.get(AutoDebit.family == family)
        assert (debit.channel, debit.account_hint, debit.debit_day, debit.active) == ("BRI", "****0123", 5, True)
        assert "01234567890123" not in AuditLog.get(AuditLog.action == "auto_debit_registered").detail

    assert post(budi, "/iuran/autodebet", auto_debit_form(bank="BSI", account="9876543210", debit_day="20")
                ).status_code == 303
    with app.app_context():
        rows = list(AutoDebit.select().where(AutoDebit.family == family).order_by(AutoDebit.id))
        assert [(r.channel, r.active) for r in rows] == [("BRI", False), ("BSI", True)]
        assert AuditLog.select().where(AuditLog.action == "auto_debit_replaced").count() == 1
    page_now = page(budi.get("/iuran/autodebet"))
    assert "BSI rekening ****3210, tiap tanggal 20" in text_of(page_now.select_one("#autodebet"))
    assert page_now.find("h2", string="Ganti autodebet")

    stop = page_now.find("form", action="/iuran/autodebet/berhenti")
    assert stop["method"] == "post" and stop.find("input", {"name": "csrf_token"})
    assert post(budi, "/iuran/autodebet/berhenti", {}).status_code == 303
    with app.app_context():
        assert not AutoDebit.select().where((AutoDebit.family == family) & AutoDebit.active).exists()
        entry = AuditLog.get(AuditLog.action == "auto_debit_stopped")
        assert entry.subject == f"family:{family.id}"
    html = page(budi.get("/iuran"))
    assert html.select_one("#autodebet") is None and "Autodebet dihentikan." in html.get_text()
    post(budi, "/iuran/autodebet/berhenti", {})
    assert "Tidak ada autodebet yang aktif." in page(budi.get("/iuran")).get_text()


@pytest.mark.parametrize("field, value, message", [
    ("account", "12345", "Nomor rekening harus 10 sampai 16 angka."),
    ("account", "12345678901234567", "Nomor rekening harus 10 sampai 16 angka."),
    ("account", "abcdefghijkl", "Nomor rekening harus 10 sampai 16 angka."),
    ("account", "", "Nomor rekening harus 10 sampai 16 angka."),
    ("account", "١٢٣٤٥٦٧٨٩٠١", "Nomor rekening harus 10 sampai 16 angka."),
    ("bank", "Bank Lain", "Pilih salah satu bank dari daftar."),
    ("bank", "", "Pilih salah satu bank dari daftar."),
    ("debit_day", "10", "Pilih tanggal 5 atau tanggal 20."),
    ("debit_day", "x", "Pilih tanggal 5 atau tanggal 20."),
])
def test_auto_debit_bad_input_says_so_and_saves_nothing(app, budi, field, value, message):
    response = post(budi, "/iuran/autodebet", auto_debit_form(**{field: value}))
    assert response.status_code == 200
    html = page(response)
    assert text_of(html.select_one(f"#{field}-error")) == message
    assert html.select_one("#account")["value"] == (value if field == "account" else "0123 4567 8901 23")
    with app.app_context():
        assert AutoDebit.select().count() == 0


def test_only_the_family_head_manages_auto_debit(app):
    siti = siti_client(app)
    html = page(siti.get("/iuran/autodebet"))
    assert "Hanya kepala keluarga yang bisa mengatur autodebet." in html.get_text()
    assert html.find("form", action="/iuran/autodebet") is None
    for path, data in (("/iuran/autodebet", auto_debit_form()), ("/iuran/autodebet/berhenti", {})):
        response = post(siti, path, data)
        assert response.status_code == 200
        assert "Hanya kepala keluarga" in text_of(page(response).select_one(".error"))
    with app.app_context():
        assert AutoDebit.select().count() == 0


def test_auto_debit_is_not_for_families_paid_by_others(app):
    client = new_family_client(app, "PBI")
    html = page(client.get("/iuran/autodebet"))
    assert "autodebet tidak diperlukan" in html.get_text() and html.find("form", action="/iuran/autodebet") is None
    response = post(client, "/iuran/autodebet", auto_debit_form())
    assert response.status_code == 200 and "autodebet tidak diperlukan" in text_of(page(response).select_one(".error"))
    with app.app_context():
        assert AutoDebit.select().count() == 0


# --- access and budget --------------------------------------------------------------------------

PAGES = ("/iuran", "/iuran/riwayat", "/iuran/rehab", "/iuran/autodebet")


@pytest.mark.parametrize("role", ["fasilitator", "petugas_faskes", "petugas_bpjs", "admin"])
def test_staff_have_no_bill_pages(app, role):
    client = signed_in_client(app, role)
    with app.app_context():
        payment_id = Payment.select().first().id
    for path in PAGES + (f"/iuran/bukti/{payment_id}",):
        assert client.get(path).status_code == 403, path
    for path in ("/iuran/rehab", "/iuran/autodebet", "/iuran/autodebet/berhenti"):
        assert post(client, path, {}).status_code == 403, path


def test_strangers_are_sent_to_sign_in(app, client):
    for path in PAGES + ("/iuran/bukti/1",):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next="), path
    response = client.get("/iuran", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/masuk")


def test_bill_pages_fit_the_budget(app, budi, dewi):
    from tests.helpers import PAGE_BUDGET, decoded, transfer_size

    for client in (budi, dewi):
        assert transfer_size(client.get("/iuran", headers={"Accept-Encoding": "gzip"})) <= 10_000
    set_arrears(app, 30)  # the longest bill: 24 counted months
    response = budi.get("/iuran", headers={"Accept-Encoding": "gzip"})
    assert transfer_size(response) <= 10_000
    assert len(BeautifulSoup(decoded(response), "html.parser").select("#tunggakan li")) == 24
    for path in PAGES[1:] + ("/iuran/rehab?cicilan=12",):
        assert transfer_size(budi.get(path, headers={"Accept-Encoding": "gzip"})) <= PAGE_BUDGET, path


def test_pages_are_valid_html(app, budi):
    import html5lib

    set_arrears(app, 6)
    with app.app_context():
        payment_id = Payment.select().join(Family).where(Family.va_number == "8888800000000001").first().id
    for path in PAGES + ("/iuran/rehab?cicilan=3", "/iuran/rehab?cicilan=x", f"/iuran/bukti/{payment_id}"):
        html5lib.HTMLParser(strict=True).parse(budi.get(path).get_data())
