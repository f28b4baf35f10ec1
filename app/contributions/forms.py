"""Forms of tagihan iuran (REHAB, autodebet) and the messages of refused requests, in plain Indonesian."""
from wtforms import SelectChoice, StringField
from wtforms.validators import ValidationError

from app.contributions.billing import BANKS, DEBIT_DAYS, normalize_account
from app.core.extensions import lazy_gettext as _l
from app.core.forms import Form, SelectField

#: BillingError codes → what the participant reads (REHAB).
REHAB_REFUSALS = {
    "not_head": _l("Hanya kepala keluarga yang bisa mendaftarkan REHAB."),
    "paid_by_others": _l("Iuran keluarga Anda dibayar pemerintah atau pemberi kerja: tidak ada "
                         "tunggakan yang perlu dicicil."),
    "no_cover": _l("Pendaftaran keluarga Anda belum selesai: belum ada tagihan."),
    "too_few": _l("REHAB hanya untuk tunggakan lebih dari 3 bulan. Tunggakan Anda lebih sedikit: "
                  "bayar langsung lewat nomor VA."),
    "too_many": _l("REHAB hanya untuk tunggakan sampai 24 bulan. Tunggakan Anda lebih dari itu: "
                   "datangi kantor BPJS Kesehatan atau telepon 165."),
    "active_plan": _l("Keluarga Anda sudah punya REHAB yang berjalan. Lunasi cicilannya dulu."),
    "nothing_to_pay": _l("Saldo Anda sudah cukup untuk melunasi tunggakan: REHAB tidak diperlukan."),
    "count": _l("Jumlah cicilan tidak bisa dipakai. Hitung ulang simulasinya."),
}
#: BillingError codes → what the participant reads (autodebet).
AUTO_DEBIT_REFUSALS = {
    "not_head": _l("Hanya kepala keluarga yang bisa mengatur autodebet."),
    "paid_by_others": _l("Iuran keluarga Anda dibayar pemerintah atau pemberi kerja: autodebet "
                         "tidak diperlukan."),
}
BANK_ERROR = _l("Pilih salah satu bank dari daftar.")
ACCOUNT_ERROR = _l("Nomor rekening harus 10 sampai 16 angka.")
DAY_ERROR = _l("Pilih tanggal 5 atau tanggal 20.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RehabForm(Form):
    """The number of instalments (jumlah cicilan): a GET simulation or the POST that registers it.

    `counts` are the numbers allowed for this family (rules.rehab_instalment_counts).
    """

    cicilan = StringField(_l("Jumlah cicilan"), filters=[_strip])

    def __init__(self, counts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = counts

    @property
    def count(self):
        """The chosen number once validated, else None."""
        value = self.cicilan.data
        if self.cicilan.errors or not value or not value.isascii() or not value.isdigit():
            return None
        number = int(value)
        return number if number in self.counts else None

    def validate_cicilan(self, field):
        if not self.counts:
            return  # the family may not register: the page says why instead
        if self.count is None:
            raise ValidationError(_l("Tulis angka %(low)d sampai %(high)d.",
                                     low=self.counts[0], high=self.counts[-1]))


class AutoDebitForm(Form):
    bank = SelectField(_l("Bank"), choices=[SelectChoice("", _l("— pilih bank —"))] + [SelectChoice(b) for b in BANKS],
                       validate_choice=False)
    account = StringField(_l("Nomor rekening"), filters=[_strip])
    debit_day = SelectField(
        _l("Tanggal debet tiap bulan"),
        choices=[SelectChoice("", _l("— pilih tanggal —"))]
        + [SelectChoice(str(d), _l("Tanggal %(n)d", n=d)) for d in DEBIT_DAYS],
        validate_choice=False)

    def validate_bank(self, field):
        if field.data not in BANKS:
            raise ValidationError(BANK_ERROR)

    def validate_account(self, field):
        if len(field.data or "") > 40 or normalize_account(field.data) is None:
            raise ValidationError(ACCOUNT_ERROR)

    def validate_debit_day(self, field):
        if field.data not in [str(d) for d in DEBIT_DAYS]:
            raise ValidationError(DAY_ERROR)
