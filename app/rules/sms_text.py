"""SMS text in the GSM 03.38 7-bit alphabet (SPEC §5.5: every answer ≤ 160 GSM-7 characters).

A single SMS holds 160 septets. A character of the basic table takes one septet; one of the
extension table (^ { } \\ [ ~ ] | € and form feed) takes two (an escape, then the character).
Anything else would switch the whole message to UCS-2 (70 characters), so `fit_sms` replaces it
with a close GSM-7 equivalent first (ê → e, curly quotes → straight, em dash → -, … → ...; "?" when
there is none) and then cuts the text to the limit, ending it with "..." (the Unicode "…" is not
GSM-7). Letters that ARE in the basic table stay as they are (é, è, ü, ñ, Å, ß…).
"""
import unicodedata

#: GSM 03.38 basic character set, in table order (0x00..0x7F; 0x1B, the escape, is left out)
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: GSM 03.38 extension table: each counts two septets
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SMS_LIMIT = 160
ELLIPSIS = "..."
WORD_CUT_MAX = 20  # a cut in mid-word moves back to the last space when it is this close

#: non-GSM characters with a better equivalent than their accent-stripped form
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "´": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "«": '"', "»": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2044": "/", "\u2026": "...", "\u2022": "-", "·": ".", "×": "x", "÷": "/", "°": "o",
    "©": "(c)", "®": "(R)", "\t": " ", "\u00a0": " ", "ç": "c", "Ł": "L", "ł": "l", "Đ": "D",
    "đ": "d", "ı": "i", "œ": "oe", "Œ": "OE", "Þ": "Th", "þ": "th", "ð": "d",
}


def is_gsm7(text):
    """True when every character is in the basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _septets(ch):
    if ch in GSM7_BASIC:
        return 1
    if ch in GSM7_EXTENSION:
        return 2
    raise ValueError("not_gsm7")


def gsm7_length(text):
    """Septets the text takes (extension characters count 2); ValueError("not_gsm7") otherwise."""
    return sum(_septets(ch) for ch in text)


def _replace(ch):
    """A GSM-7 string for one character."""
    if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
        return ch
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    if unicodedata.combining(ch):
        return ""
    if unicodedata.category(ch)[0] in "CZ":  # other control or separator characters
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)  # ê → e + ◌̂, ﬁ → fi, ½ → 1⁄2, Ａ → A
    if decomposed == ch:
        return "?"
    return "".join(_replace(part) for part in decomposed)


def to_gsm7(text):
    """The text with every non-GSM-7 character replaced (length may change: … → ...)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return "".join(_replace(ch) for ch in text)


def fit_sms(text, limit=SMS_LIMIT):
    """GSM-7 text of at most `limit` septets: replaced as to_gsm7, then cut and ended with "..."
    when too long (never in the middle of an extension character's escape; at the last space when a
    word would be cut and that space is at most WORD_CUT_MAX characters back)."""
    text = to_gsm7(text or "")
    if gsm7_length(text) <= limit:
        return text
    tail = ELLIPSIS if limit >= len(ELLIPSIS) else ""
    budget, used, cut = limit - len(tail), 0, 0
    for ch in text:
        cost = _septets(ch)
        if used + cost > budget:
            break
        used += cost
        cut += 1
    kept = text[:cut]
    if cut < len(text) and not text[cut].isspace():  # in mid-word: end at the word before, if near
        space = max(kept.rfind(" "), kept.rfind("\n"))
        if space > 0 and space >= len(kept) - WORD_CUT_MAX:
            kept = kept[:space]
    return kept.rstrip(" \n\r") + tail
