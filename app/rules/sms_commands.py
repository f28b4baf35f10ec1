"""What an inbound SMS asks for (SPEC §5.5): STATUS, TAGIHAN, FASKES <kecamatan>, ANTRE, BANTUAN.

People type on keypad phones, so the parser forgives: any case, extra spaces, punctuation,
emoji and non-Latin characters (dropped), full-width letters and accents (folded to ASCII), filler
words in front ("cek status", "mohon info tagihan"), synonyms and common misspellings (`tghn`,
`antri`, `pkm`), and for words of 5+ letters one typo (a letter wrong, missing, extra, or two
swapped). Only the first 160 characters are read; an empty message asks for help.

Returns a `Command`: `name` is one of NAMES, `argument` is the kecamatan for "faskes" (spaces
collapsed, "kec."/"kecamatan"/"di" in front dropped, at most 60 characters, may be empty: the
caller asks for it) and "" otherwise. Pure and cheap: no I/O, a few regexes per message.
"""
import re
import unicodedata
from typing import NamedTuple

MAX_READ = 160
MAX_ARGUMENT = 60
FUZZY_MIN_LENGTH = 5
NAMES = ("status", "tagihan", "faskes", "antre", "bantuan", "unknown")


class Command(NamedTuple):
    name: str
    argument: str = ""


#: word (lower-case ASCII) → command name
SYNONYMS = {
    word: name
    for name, words in {
        "status": "status stat statis stts sts statuz setatus kepesertaan",
        "tagihan": "tagihan tagih tghn tgh tagihn iuran iur bayar bayaran premi tunggakan",
        "faskes": "faskes fakses fasks puskesmas pkm klinik",
        "antre": "antre antri antrian antrean antrin",
        "bantuan": "bantuan bantu help helo info menu tolong ? halo hallo hai",
    }.items()
    for word in words.split()
}
#: words people put before the command; skipped ("cek status", "saya mau lihat tagihan")
FILLERS = frozenset({
    "cek", "check", "lihat", "liat", "mohon", "minta", "mau", "ingin", "saya", "sy", "aku",
    "bpjs", "jkn", "kis", "min", "ka",
})

_FUZZY_WORDS = tuple(word for word in SYNONYMS if len(word) >= FUZZY_MIN_LENGTH)
_COMBINING = re.compile(r"[\u0300-\u036f]+")        # accents left over after NFKD: dropped
_NON_ASCII = re.compile(r"[^\x20-\x7e]+")           # emoji, other scripts, control chars: a space
_TOKEN = re.compile(r"[a-z]+|\?")
_ARGUMENT_JUNK = re.compile(r"[^A-Za-z0-9'.\- ]+")  # a kecamatan name: letters, digits, ' . -
_SPACES = re.compile(r" {2,}")
_ARGUMENT_PREFIX = re.compile(r"^(?:(?:di|kec|kecamatan)\b[ .:]*)+", re.IGNORECASE)


def _within_one_edit(a, b):
    """True when a and b differ by at most one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    )


def command_for_word(word):
    """The command a single lower-case word means, or None (ambiguous typos mean nothing)."""
    name = SYNONYMS.get(word)
    if name or len(word) < FUZZY_MIN_LENGTH:
        return name
    found = {SYNONYMS[candidate] for candidate in _FUZZY_WORDS if _within_one_edit(word, candidate)}
    return found.pop() if len(found) == 1 else None


def _ascii(text):
    """Full-width and accented Latin folded to ASCII; everything else outside printable ASCII → space."""
    text = text[:MAX_READ]
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NON_ASCII.sub(" ", text)


def _argument(rest):
    rest = _SPACES.sub(" ", _ARGUMENT_JUNK.sub(" ", rest)).strip(" .-'")
    rest = _ARGUMENT_PREFIX.sub("", rest).strip(" .-'")
    return rest[:MAX_ARGUMENT].rstrip(" .-'")


def parse_sms(text):
    """The Command an inbound SMS body asks for. Never raises; anything not a str counts as empty."""
    if not isinstance(text, str):
        text = ""
    cleaned = _ascii(text)
    tokens = list(_TOKEN.finditer(cleaned.lower()))
    meaningful = [token for token in tokens if token.group() not in FILLERS]
    if not meaningful:
        return Command("bantuan")
    token, name = meaningful[0], command_for_word(meaningful[0].group())
    if name == "bantuan" and len(meaningful) > 1:
        # "info tagihan", "help status", "? antre": a command after a help word wins
        next_name = command_for_word(meaningful[1].group())
        if next_name is not None:
            token, name = meaningful[1], next_name
    if name is None:
        return Command("unknown")
    if name == "faskes":
        return Command("faskes", _argument(cleaned[token.end():]))
    return Command(name)
