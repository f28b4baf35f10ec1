"""SMS command parsing: forgiving about how people type, strict about what comes out."""
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.sms_commands import MAX_ARGUMENT, NAMES, Command, command_for_word, parse_sms

# The autouse `_isolated` fixture is function-scoped; it only opens a transaction nobody uses here.
rules_settings = settings(max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])

CANONICAL = {"STATUS": "status", "TAGIHAN": "tagihan", "FASKES": "faskes", "ANTRE": "antre",
             "BANTUAN": "bantuan"}


# --- explicit examples ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("STATUS", Command("status", "")),
    ("status", Command("status", "")),
    ("  Status!!  ", Command("status", "")),
    ("stat", Command("status", "")),
    ("statis", Command("status", "")),
    ("stauts", Command("status", "")),  # two letters swapped
    ("Cek status ya", Command("status", "")),
    ("TAGIHAN", Command("tagihan", "")),
    ("tagih", Command("tagihan", "")),
    ("tghn", Command("tagihan", "")),
    ("iuran", Command("tagihan", "")),
    ("Bayar", Command("tagihan", "")),
    ("tagihn", Command("tagihan", "")),
    ("tagihan.", Command("tagihan", "")),
    ("mohon info tagihan", Command("tagihan", "")),
    ("FASKES Cibinong", Command("faskes", "Cibinong")),
    ("faskes   tanah    abang  ", Command("faskes", "tanah abang")),
    ("fakses: Cibinong", Command("faskes", "Cibinong")),
    ("PUSKESMAS kec. Pasar Minggu.", Command("faskes", "Pasar Minggu")),
    ("pkm di kecamatan Ciledug", Command("faskes", "Ciledug")),
    ("faskes Cilédug", Command("faskes", "Ciledug")),
    ("FASKES", Command("faskes", "")),
    ("faskes ???", Command("faskes", "")),
    ("faskes Kota-Baru 😀", Command("faskes", "Kota-Baru")),
    ("ANTRE", Command("antre", "")),
    ("antri", Command("antre", "")),
    ("antrian", Command("antre", "")),
    ("Antrean 🙏", Command("antre", "")),
    ("BANTUAN", Command("bantuan", "")),
    ("help", Command("bantuan", "")),
    ("info", Command("bantuan", "")),
    ("?", Command("bantuan", "")),
    ("menu", Command("bantuan", "")),
    ("bantuann", Command("bantuan", "")),
    ("", Command("bantuan", "")),
    ("   \n\t ", Command("bantuan", "")),
    ("😀😀😀", Command("bantuan", "")),
    ("状态", Command("bantuan", "")),
    ("ＳＴＡＴＵＳ", Command("status", "")),  # full-width letters
    ("😀status😀", Command("status", "")),
    ("halo min", Command("bantuan", "")),
    ("REG SPASI", Command("unknown", "")),
    ("apa kabar", Command("unknown", "")),
    ("stattus tagihan", Command("status", "")),
])
def test_examples(text, expected):
    assert parse_sms(text) == expected


def test_typos_only_for_long_words():
    assert command_for_word("statu") == "status"  # 5 letters: one typo forgiven
    assert command_for_word("antra") == "antre"
    assert command_for_word("antr") is None  # 4 letters: must be exact
    assert command_for_word("tagh") is None
    assert command_for_word("stotas") is None  # two typos
    assert command_for_word("bantal") is None


def test_an_argument_is_cut_to_sixty_characters():
    command = parse_sms("FASKES " + "Sukamaju " * 30)
    assert command.name == "faskes"
    assert len(command.argument) <= MAX_ARGUMENT
    assert command.argument.startswith("Sukamaju Sukamaju")
    assert not command.argument.endswith(" ")


def test_only_the_first_160_characters_are_read():
    assert parse_sms("status " + "x" * 1_000) == Command("status", "")
    assert parse_sms(" " * 160 + "status") == Command("bantuan", "")
    assert parse_sms(" " * 159 + "antre") == Command("unknown", "")  # "a" alone means nothing
    long_argument = parse_sms("faskes " + "a" * 2_000).argument
    assert long_argument == "a" * MAX_ARGUMENT


def test_no_argument_for_other_commands():
    assert parse_sms("STATUS 0001234567890") == Command("status", "")
    assert parse_sms("ANTRE besok pagi") == Command("antre", "")


def test_not_text_counts_as_empty():
    assert parse_sms(None) == Command("bantuan", "")
    assert parse_sms(b"STATUS") == Command("bantuan", "")


def test_fast_enough_for_200_messages_a_second():
    messages = ["Mohon info FASKES kec. Cibinong 😀 terima kasih", "x" * 1_000, "stauts",
                "ＳＴＡＴＵＳ " * 100, "tagihan"] * 200
    started = time.perf_counter()
    for message in messages:
        parse_sms(message)
    per_message = (time.perf_counter() - started) / len(messages)
    assert per_message < 0.001  # 1 ms: 200/s would use a fifth of one core at most


# --- properties -----------------------------------------------------------------------------

@rules_settings
@given(text=st.text(max_size=2_000))
def test_never_raises_and_names_are_known(text):
    command = parse_sms(text)
    assert command.name in NAMES
    assert isinstance(command.argument, str) and len(command.argument) <= MAX_ARGUMENT
    assert command.argument == "" or command.name == "faskes"
    assert command.argument == command.argument.strip()
    assert "  " not in command.argument


@rules_settings
@given(data=st.data(), canonical=st.sampled_from(sorted(CANONICAL)))
def test_case_and_spacing_do_not_matter(data, canonical):
    word = "".join(
        data.draw(st.sampled_from([letter.lower(), letter.upper()])) for letter in canonical
    )
    spaces = st.text(alphabet=" \t\n", max_size=5)
    punctuation = st.text(alphabet=".,!?:;*#\"'", max_size=3)
    text = data.draw(spaces) + word + data.draw(punctuation) + data.draw(spaces)
    assert parse_sms(text) == Command(CANONICAL[canonical], "")


@rules_settings
@given(data=st.data(), name=st.sampled_from(["Cibinong", "Tanah Abang", "Pasar Minggu"]))
def test_faskes_argument_survives_case_and_spacing(data, name):
    word = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in "faskes")
    gap = data.draw(st.text(alphabet=" \t", min_size=1, max_size=4))
    inner = name.replace(" ", data.draw(st.text(alphabet=" ", min_size=1, max_size=4)))
    trailing = data.draw(st.text(alphabet=" .!", max_size=3))
    assert parse_sms(word + gap + inner + trailing) == Command("faskes", name)


def test_a_typo_close_to_two_commands_means_nothing(monkeypatch):
    from app.rules import sms_commands
    monkeypatch.setattr(sms_commands, "SYNONYMS", {"kartu": "status", "karta": "tagihan"})
    monkeypatch.setattr(sms_commands, "_FUZZY_WORDS", ("kartu", "karta"))
    assert command_for_word("kartu") == "status"
    assert command_for_word("kartuu") == "status"
    assert command_for_word("karti") is None  # one typo from both


def test_no_real_typo_is_close_to_two_commands():
    from app.rules.sms_commands import _FUZZY_WORDS, SYNONYMS
    letters = "abcdefghijklmnopqrstuvwxyz"
    for word in _FUZZY_WORDS:
        typos = {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters}
        typos |= {word[:i] + word[i + 1:] for i in range(len(word))}
        typos |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
        for typo in typos - set(SYNONYMS):
            expected = SYNONYMS[word] if len(typo) >= 5 else None
            assert command_for_word(typo) == expected, typo
