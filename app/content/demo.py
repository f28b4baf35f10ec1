"""Demo content: the demo officer `petugas` is an editor; articles of each kind (one a week, one still
scheduled), two announcements (one for everyone, one for PBPU families in Kabupaten Bogor) and the
four transparency pages (two of them with a second version, to compare). Written for the demo in plain
Indonesian; found by title or (page, version), so seeding twice changes nothing."""
from datetime import date, timedelta

from app.content import service, text
from app.core import clock
from app.inbox import service as inbox
from app.models import Announcement, Article, ArticleRegion, PageVersion, User

ARTICLES = (
    # kind, days ago (negative: scheduled ahead), regions, title, summary, body
    ("hidup_sehat", 2, (), "Cuci tangan pakai sabun: lima langkah, dua puluh detik",
     "Cara sederhana mencegah diare dan infeksi saluran napas pada anak dan orang dewasa.",
     "Diare dan batuk pilek paling sering menular lewat tangan. Mencuci tangan dengan sabun dan air "
     "mengalir adalah cara termurah untuk mencegahnya.\n\n"
     "## Kapan mencuci tangan\n\n- sebelum makan dan sebelum menyiapkan makanan,\n- sebelum menyusui "
     "atau menyuapi anak,\n- sesudah buang air besar dan sesudah membersihkan anak,\n- sesudah memegang "
     "hewan atau sampah.\n\n"
     "## Lima langkah\n\n1. Basahi tangan dengan air mengalir.\n2. Gosok sabun sampai berbusa, termasuk "
     "punggung tangan dan sela jari.\n3. Gosok kuku dan ujung jari.\n4. Bilas sampai bersih.\n5. Keringkan "
     "dengan lap bersih atau angin-anginkan.\n\n"
     "Lakukan kira-kira dua puluh detik, selama menyanyikan lagu pendek dua kali. Jika anak diare lebih "
     "dari sehari, lemas, atau tidak mau minum, bawa ke puskesmas tempat Anda terdaftar."),
    ("berita_daerah", 5, ("32.01",), "Puskesmas di Kabupaten Bogor buka layanan sore untuk peserta JKN",
     "Beberapa puskesmas di Kabupaten Bogor menambah jam layanan poli umum sampai sore hari.",
     "Mulai bulan ini beberapa puskesmas di Kabupaten Bogor membuka poli umum sampai pukul 16.00 pada hari "
     "Senin sampai Kamis. Layanan sore ditujukan bagi peserta yang bekerja pada pagi hari.\n\n"
     "Peserta JKN tetap berobat di FKTP tempat terdaftar. Bawa kartu JKN (boleh kartu digital di ponsel) "
     "atau sebutkan NIK. Nomor antrean bisa diambil lewat menu **Antrean online**.\n\n"
     "Jam buka tiap puskesmas dapat dilihat di menu **Cari faskes**."),
    ("testimoni", 9, (), "Bu Sari: kartu aktif lagi setelah ikut REHAB",
     "Seorang pedagang sayur bercerita bagaimana ia melunasi tunggakan iuran secara bertahap.",
     "Bu Sari (bukan nama sebenarnya) berjualan sayur di pasar. Saat usahanya sepi, iuran keluarganya "
     "tertunggak tujuh bulan dan kartu JKN keluarganya nonaktif.\n\n"
     "> \"Saya kira harus bayar sekaligus. Ternyata bisa dicicil lewat program REHAB.\"\n\n"
     "Ia mendaftar REHAB dan membayar tunggakan dalam enam kali cicilan bulanan. Setelah semua tunggakan "
     "dan iuran bulan berjalan lunas, kartunya aktif kembali.\n\n"
     "Pesannya untuk peserta lain: jangan menunggu sakit untuk mengurus tunggakan. Cek tagihan di menu "
     "**Tagihan iuran**, dan tanyakan REHAB bila tunggakan lebih dari tiga bulan."),
    ("hidup_sehat", 16, (), "Tekanan darah tinggi sering tanpa gejala",
     "Ukur tekanan darah setidaknya setahun sekali, terutama setelah usia 40 tahun.",
     "Hipertensi disebut pembunuh senyap karena sering tidak terasa, padahal dapat menyebabkan stroke, "
     "serangan jantung dan gagal ginjal.\n\n"
     "## Yang bisa dilakukan\n\n- Ukur tekanan darah di puskesmas atau posbindu.\n- Kurangi garam: "
     "paling banyak satu sendok teh sehari, termasuk dari ikan asin dan mi instan.\n- Bergerak 30 menit "
     "sehari, misalnya jalan kaki.\n- Berhenti merokok.\n\n"
     "Peserta dengan hipertensi yang sudah stabil dapat mengikuti Program Rujuk Balik (PRB): obat diambil "
     "tiap bulan di apotek PRB, kontrol ke dokter di FKTP."),
    ("berita_daerah", 23, ("32.73",), "Kota Bandung: kader membantu warga mendaftar JKN",
     "Kader kesehatan di Kota Bandung mendampingi warga yang belum terdaftar sebagai peserta.",
     "Di beberapa kelurahan di Kota Bandung, kader kesehatan membantu warga yang belum terdaftar JKN. "
     "Warga cukup menyiapkan Kartu Keluarga dan KTP.\n\n"
     "Pendaftaran dapat dilakukan bersama fasilitator desa lewat menu **Daftarkan keluarga**. Setelah "
     "terdaftar, peserta mandiri (PBPU) membayar iuran pertama agar kartu aktif."),
    ("testimoni", 30, (), "Pak Darto: cuci darah rutin tanpa biaya tambahan",
     "Pengalaman seorang peserta yang menjalani hemodialisis dua kali seminggu.",
     "Pak Darto (bukan nama sebenarnya) menjalani cuci darah dua kali seminggu sejak dua tahun lalu. "
     "Semua biaya tindakan ditanggung JKN karena ia datang dengan rujukan dan kartunya aktif.\n\n"
     "Ia menyarankan peserta lain untuk selalu membayar iuran tepat waktu dan menyimpan jadwal kontrol. "
     "\"Kalau ada yang meminta bayaran tambahan, tanyakan dasarnya dan laporkan,\" katanya."),
    ("hidup_sehat", -6, (), "Imunisasi dasar lengkap sebelum usia satu tahun",
     "Jadwal imunisasi bayi dan di mana mendapatkannya.",
     "Imunisasi melindungi bayi dari penyakit berat seperti campak, polio, difteri dan batuk rejan.\n\n"
     "Bawa buku KIA setiap ke posyandu atau puskesmas. Tanyakan kepada bidan jadwal imunisasi berikutnya, "
     "dan jangan lewatkan imunisasi campak."),
)

ANNOUNCEMENTS = (
    # kind, title, body, region, segment, from (days from today), until
    ("kebijakan", "Bayar iuran sebelum tanggal 10",
     "Iuran JKN dibayar paling lambat tanggal 10 setiap bulan. Lewat akhir bulan, kartu nonaktif mulai "
     "tanggal 1 bulan berikutnya.", "", "", -3, 40),
    ("program_baru", "Konsultasi cicilan tunggakan (REHAB) di Cibinong",
     "Peserta mandiri di Kabupaten Bogor yang menunggak lebih dari 3 bulan dapat berkonsultasi tentang "
     "cicilan REHAB di Puskesmas Cibinong setiap Rabu pukul 09.00-12.00.", "32.01", "PBPU", -1, 30),
)

RIGHTS = """Setiap peserta JKN punya hak dan kewajiban. Keduanya berlaku sama untuk semua segmen.

## Hak peserta

- Mendapat identitas peserta: kartu JKN atau kartu digital, atau cukup dengan NIK.
- Mendapat pelayanan kesehatan di fasilitas kesehatan yang bekerja sama dengan BPJS Kesehatan, sesuai
  prosedur.
- Memilih FKTP (puskesmas, klinik pratama, dokter praktik) dan menggantinya setelah paling sedikit
  3 bulan.
- Mendapat informasi tentang hak, kewajiban, manfaat dan prosedur pelayanan.
- Menyampaikan keluhan dan pengaduan, dan mendapat jawaban.
- Tidak dimintai biaya tambahan untuk pelayanan yang dijamin.

## Kewajiban peserta

- Mendaftarkan diri dan semua anggota keluarga yang tercantum di Kartu Keluarga.
- Membayar iuran setiap bulan paling lambat tanggal 10 (peserta mandiri dan bukan pekerja).
- Memberikan data yang benar dan melaporkan perubahan: pindah alamat, menikah, kelahiran, kematian,
  pindah pekerjaan.
- Menjaga kartu agar tidak dipakai orang lain.
- Mengikuti prosedur pelayanan, mulai dari FKTP tempat terdaftar.
"""

BENEFITS = """JKN menjamin pelayanan kesehatan yang dibutuhkan secara medis, sesuai prosedur.

## Yang dijamin

- **Di FKTP**: pemeriksaan dan konsultasi dokter, pengobatan, tindakan medis sederhana, obat,
  pemeriksaan laboratorium sederhana, pelayanan gigi dasar, pemeriksaan kehamilan, persalinan normal,
  pelayanan KB, dan rawat inap di FKTP yang menyediakannya.
- **Di rumah sakit, dengan rujukan**: rawat jalan di dokter spesialis, rawat inap sesuai kelas,
  operasi, ICU, pemeriksaan penunjang, obat, cuci darah, dan alat kesehatan tertentu.
- **Gawat darurat**: di fasilitas kesehatan mana pun, tanpa rujukan.
- **Ambulans** untuk rujukan antarfasilitas kesehatan.

## Yang tidak dijamin

- Pelayanan yang tidak sesuai prosedur, atau di fasilitas yang tidak bekerja sama (kecuali gawat
  darurat).
- Yang sudah dijamin program lain: kecelakaan kerja, dan kecelakaan lalu lintas sampai batas jaminan
  asuransi kecelakaan lalu lintas wajib.
- Pengobatan di luar negeri.
- Tindakan untuk kecantikan (estetik), meratakan gigi, dan mengatasi kemandulan.
- Gangguan akibat ketergantungan obat atau alkohol, atau akibat sengaja menyakiti diri sendiri.
- Pengobatan alternatif yang belum terbukti bermanfaat, dan pengobatan percobaan.
- Perbekalan kesehatan rumah tangga.
"""
BENEFITS_V2 = BENEFITS.replace(
    "- **Ambulans** untuk rujukan antarfasilitas kesehatan.\n",
    "- **Ambulans** untuk rujukan antarfasilitas kesehatan.\n- **Kacamata** dengan resep dokter spesialis "
    "mata, dalam batas yang ditentukan, paling cepat sekali dalam 2 tahun.\n")

PROCEDURES = """## Berobat berjenjang

1. Datang dulu ke FKTP tempat Anda terdaftar, dengan kartu JKN atau NIK.
2. Jika perlu dokter spesialis, dokter FKTP memberi rujukan ke rumah sakit. Rujukan berlaku 90 hari.
3. Setelah ditangani, rumah sakit dapat merujuk Anda kembali ke FKTP.

## Gawat darurat

Dalam keadaan gawat darurat (misalnya sesak napas berat, pingsan, perdarahan hebat, kejang, kecelakaan)
langsung ke IGD terdekat, tidak perlu rujukan, juga di rumah sakit yang tidak bekerja sama. Setelah
keadaan stabil, pasien dipindahkan ke fasilitas yang bekerja sama bila perlu.

## Program Rujuk Balik (PRB)

Untuk penyakit kronis yang sudah stabil, seperti diabetes, hipertensi, penyakit jantung, asma, PPOK,
epilepsi, stroke, skizofrenia dan lupus:

- obat diambil setiap bulan di apotek PRB,
- kontrol rutin di FKTP, dan ke rumah sakit kira-kira setiap 3 bulan bila dokter memintanya.

## Cara mengadu

Sampaikan keluhan lewat menu pengaduan di JKN Lite, telepon BPJS Kesehatan Care Center 165, atau datang
ke kantor BPJS Kesehatan. Catat tanggal, nama fasilitas dan apa yang terjadi.
"""
PROCEDURES_V2 = PROCEDURES + """
## Mengaktifkan kembali kartu

Kartu nonaktif jika iuran belum dibayar sampai akhir bulan. Untuk aktif kembali, bayar tunggakan
(paling banyak 24 bulan yang dihitung) ditambah iuran bulan ini. Tunggakan lebih dari 3 bulan dapat
dicicil lewat program REHAB. Jika dalam 45 hari setelah aktif kembali Anda dirawat inap, ada denda
pelayanan; hitung di Kalkulator denda.
"""

COSTS = """## Iuran

Iuran dibayar setiap bulan. Besarnya tergantung segmen dan kelas rawat; tabelnya ada di bawah.
Peserta PBI dibayar pemerintah. Pekerja penerima upah (PPU) membayar lewat pemberi kerja.

## Bagaimana FKTP dibayar: kapitasi

Puskesmas, klinik pratama dan dokter praktik dibayar **kapitasi**: sejumlah uang tetap setiap bulan untuk
setiap peserta yang terdaftar di sana, berapa kali pun peserta berobat. Karena sudah dibayar di muka,
FKTP tidak boleh meminta biaya dari peserta untuk pelayanan yang dijamin. Sebagian kapitasi bergantung
pada kinerja FKTP, misalnya angka kontak dengan peserta dan rujukan yang tidak perlu.

## Bagaimana rumah sakit dibayar: INA-CBG

Rumah sakit dibayar dengan tarif paket **INA-CBG**: satu jumlah untuk satu episode perawatan menurut
kelompok diagnosis dan tindakan, termasuk kamar, obat dan pemeriksaan. Besarnya tergantung kelas rumah
sakit, wilayah dan kelas rawat. Peserta tidak membayar selisih, kecuali memilih naik kelas rawat atas
permintaan sendiri.
"""

PAGES = (
    # slug, version, title, body, effective from, source, note
    ("hak-dan-kewajiban", 1, "Hak dan kewajiban peserta JKN", RIGHTS, date(2024, 5, 8),
     "UU No. 40 Tahun 2004 (SJSN); Perpres No. 82 Tahun 2018 dan perubahannya", ""),
    ("manfaat", 1, "Manfaat JKN: yang dijamin dan tidak dijamin", BENEFITS, date(2024, 5, 8),
     "Perpres No. 82 Tahun 2018 tentang Jaminan Kesehatan dan perubahannya", ""),
    ("manfaat", 2, "Manfaat JKN: yang dijamin dan tidak dijamin", BENEFITS_V2, date(2025, 1, 1),
     "Perpres No. 82 Tahun 2018 tentang Jaminan Kesehatan dan perubahannya",
     "Menambah kacamata pada daftar yang dijamin."),
    ("prosedur", 1, "Prosedur pelayanan JKN", PROCEDURES, date(2024, 5, 8),
     "Perpres No. 82 Tahun 2018; Peraturan BPJS Kesehatan tentang prosedur pelayanan", ""),
    ("prosedur", 2, "Prosedur pelayanan JKN", PROCEDURES_V2, date(2025, 1, 1),
     "Perpres No. 82 Tahun 2018; Perpres No. 64 Tahun 2020",
     "Menambah cara mengaktifkan kembali kartu."),
    ("biaya", 1, "Biaya: iuran, kapitasi dan INA-CBG", COSTS, date(2024, 5, 8),
     "Perpres No. 64 Tahun 2020 (iuran); Permenkes No. 3 Tahun 2023 (standar tarif)", ""),
)


def seed(created):
    editor = User.get(User.username == "petugas")
    if not editor.is_editor:
        User.update(is_editor=True).where(User.id == editor.id).execute()
        created.append("editor")
    now = clock.now()
    for kind, days_ago, regions, title, summary, body in ARTICLES:
        if Article.select().where(Article.title == title).exists():
            continue
        moment = (now - timedelta(days=days_ago)).replace(hour=1, minute=0, second=0, microsecond=0)
        article = Article.create(kind=kind, title=title, summary=summary, body_markdown=body,
                                 body_html=text.to_html(body), status="published", published_at=moment,
                                 created_by=editor, created_at=min(moment, now), updated_at=min(moment, now))
        for code in regions:
            ArticleRegion.create(article=article, region_code=code)
        service.index_article(article)
        created.append("article")
    today = clock.today()
    for kind, title, body, region, segment, start, end in ANNOUNCEMENTS:
        if not Announcement.select().where(Announcement.title == title).exists():
            Announcement.create(kind=kind, title=title, body=body, region_code=region, segment=segment,
                                shown_from=today + timedelta(days=start), shown_until=today + timedelta(days=end),
                                created_by=editor)
            created.append("announcement")
    created += ["inbox_announcement"] * inbox.deliver_announcements(today)  # into the targeted inboxes
    for slug, number, title, body, effective, source, note in PAGES:
        if PageVersion.version(slug, number) is None:
            version = PageVersion.create(slug=slug, number=number, title=title, body_markdown=body,
                                         body_html=text.to_html(body), effective_from=effective, source=source,
                                         note=note, created_by=editor)
            service.index_page(version)
            created.append("page_version")
