from tests.helpers import page, sign_in


def test_home_explains_and_links_to_sign_in(client):
    html = page(client.get("/"))
    assert html.html["lang"] == "id"
    assert html.find("a", href="/masuk")


def test_sign_in_by_card(client):
    response = sign_in(client, "0001000000001")
    assert response.status_code == 303
    assert page(client.get("/beranda")).h1.get_text() == "Halo, Budi Santoso"
