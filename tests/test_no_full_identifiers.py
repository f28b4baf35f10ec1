"""No page shows a full KK or NIK (issue 9): every page reachable from /, as every demo role and
anonymously, is searched for the demo families' KK and NIK numbers, also with spaces or dots
inside and in the response headers. The masked form (3201********0001) is what pages show."""
import re

import pytest

from app.core import demo
from app.core.formatting import masked_reference
from tests.helpers import DEMO_ACCOUNTS, crawl, decoded, signed_in_client

SECRETS = {kk for kk, *_ in demo.FAMILIES} | {
    member[1] for family in demo.FAMILIES for member in family[-1]}


def full_numbers(text):
    digits_only = re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)
    return sorted(number for number in SECRETS if number in digits_only)


def leaks(client):
    found = {}
    for url, response, _soup in crawl(client):
        text = decoded(response).decode("utf-8", "replace") + str(response.headers)
        numbers = full_numbers(text)
        if numbers:
            found[url] = numbers
    return found


@pytest.mark.parametrize("role", sorted(DEMO_ACCOUNTS))
def test_no_page_shows_a_full_kk_or_nik_as_any_role(app, role):
    assert leaks(signed_in_client(app, role)) == {}


def test_no_page_shows_a_full_kk_or_nik_anonymously(client):
    assert leaks(client) == {}


def test_the_search_itself_finds_a_number_and_masking_hides_it():
    kk = demo.FAMILIES[0][0]
    assert full_numbers(f"ref DEMO-{kk}-202611") == [kk]
    assert full_numbers(f"{kk[:4]} {kk[4:8]} {kk[8:12]} {kk[12:]}") == [kk]
    assert full_numbers(masked_reference(f"DEMO-{kk}-202611")) == []
    assert masked_reference(f"DEMO-{kk}-202611") == "DEMO-3201********0001-202611"
