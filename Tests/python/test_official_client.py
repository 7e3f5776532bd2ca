"""Issue 9, through the unmodified official client (`woocommerce` 3.0.0) over http://: it signs `filter[...]` keys in
the order given and leaves `/` unencoded (which a real store refuses), and it sends every parameter twice (once in
its signed URL, once more from `params`), which must read as PHP reads it and be linked once."""
from urllib.parse import parse_qsl, urlsplit

import pytest
from woocommerce import API

from conftest import TIMEOUT, error

AUTH = "woocommerce_api_authentication_error"


@pytest.fixture(scope="module")
def api(server):
    return API(url=server.url, consumer_key=server.key["consumer_key"], consumer_secret=server.key["consumer_secret"],
               wp_api=False, version="v2", timeout=TIMEOUT)


@pytest.fixture(scope="module")
def customers(api):
    """Five customers whose emails end in @example.com, created through the official client (ids ascending)."""
    ids = []
    for n in range(5):
        response = api.post("customers", {"customer": {"email": f"official-{n}@example.com"}})
        assert response.status_code == 201, response.text
        ids.append(response.json()["customer"]["id"])
    return ids


def ids(response):
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["customers"]]


def test_unsorted_filter_keys_are_accepted(api, customers):
    response = api.get("customers", params={"filter[q]": "*example*", "filter[limit]": 2})
    assert ids(response) == customers[:2]
    assert response.headers["X-WC-Total"] == "5" and response.headers["X-WC-TotalPages"] == "3"
    everything = api.get("customers", params={"filter[q]": "*example*", "filter[limit]": -1, "fields": "id,email"})
    assert [c["email"] for c in everything.json()["customers"]] == [f"official-{n}@example.com" for n in range(5)]


def test_values_holding_a_slash_are_accepted(api, customers):
    dated = api.get("customers", params={"filter[created_at_min]": "2020/01/01", "filter[limit]": 2})
    assert ids(dated) == customers[:2]
    assert ids(api.get("customers", params={"filter[q]": "official-1@example.com/x"})) == []
    assert ids(api.get("customers", params={"filter[q]": "*/*", "fields": "id"})) == []


def test_a_wrong_secret_is_still_refused_with_unsorted_keys_and_slashes(server, customers):
    wrong = API(url=server.url, consumer_key=server.key["consumer_key"], consumer_secret="cs_" + "0" * 40,
                wp_api=False, version="v2", timeout=TIMEOUT)
    response = wrong.get("customers", params={"filter[q]": "a/b", "filter[limit]": 2})
    assert response.status_code == 401
    assert error(response) == (AUTH, "Invalid signature - provided signature does not match.")


def test_paging_by_following_link_next(api, server, customers):
    """The client repeats every parameter; each Link carries each parameter once, with the last value, and
    following `next` through the client visits every customer exactly once."""
    seen = []
    endpoint, params = "customers", {"filter[q]": "*example*", "filter[limit]": 2}
    pages = 0
    while True:
        response = api.get(endpoint, params=params)
        seen += ids(response)
        pages += 1
        assert pages <= 5, seen
        links = response.headers.get("Link", "")
        assert "oauth_" not in links
        for part in links.split(", "):
            if part:
                names = [name for name, _ in parse_qsl(urlsplit(part[1:part.index(">")]).query)]
                assert sorted(names) == sorted(set(names)), part
                assert names == ["filter[q]", "filter[limit]", "page"], part
        following = response.links.get("next")
        if following is None:
            break
        url = urlsplit(following["url"])
        assert url.path.startswith("/wc-api/v2/")
        # The client signs the URL it builds: give it the link's route and parameters back.
        endpoint, params = url.path[len("/wc-api/v2/"):], dict(parse_qsl(url.query))
    assert pages == 3
    assert sorted(seen) == sorted(set(seen)) and sorted(seen) == sorted(customers)


def test_an_empty_value_is_still_refused(api, customers):
    """The client leaves blank parameters out of what it signs (`parse_qsl`); they are still verified, so this
    stays a 401, as on a real store (docs/COMPATIBILITY.md, notes on the official Python client)."""
    response = api.get("customers", params={"filter[q]": "", "filter[limit]": 2})
    assert response.status_code == 401
    assert error(response) == (AUTH, "Invalid signature - provided signature does not match.")
