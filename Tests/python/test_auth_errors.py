"""Authentication failures through the same clients, with the real store's error bodies (auth §3–§5,
§8); replays refused (decisions #5); no OAuth parameter or secret in the access log."""
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from requests_oauthlib import OAuth1
from woocommerce import API
from woocommerce.oauth import OAuth

from conftest import TIMEOUT, Client, error

AUTH = "woocommerce_api_authentication_error"
MISMATCH = (AUTH, "Invalid signature - provided signature does not match.")
REPLAY = (AUTH, "Invalid nonce - nonce has already been used.")


def signed_url(server, route="customers", timestamp=None, secret=None, method="GET"):
    """A URL signed by the official client's own OAuth class (v2: the bare secret)."""
    return OAuth(f"{server.url}/wc-api/v2/{route}", server.key["consumer_key"], secret or server.key["consumer_secret"],
                 version="v2", method=method, oauth_timestamp=timestamp or int(time.time())).get_oauth_url()


def with_param(url, name, value):
    base, query = url.split("?", 1)
    params = dict(parse_qsl(query))
    if value is None:
        params.pop(name)
    else:
        params[name] = value
    return f"{base}?{urlencode(params)}"


def test_official_client_with_a_wrong_secret(server):
    wrong = API(url=server.url, consumer_key=server.key["consumer_key"], consumer_secret="cs_" + "0" * 40,
                wp_api=False, version="v2", timeout=TIMEOUT)
    response = wrong.get("customers")
    assert response.status_code == 401
    assert error(response) == MISMATCH


def test_oauthlib_with_a_wrong_secret(server):
    response = requests.get(f"{server.url}/wc-api/v2/customers", auth=OAuth1(server.key["consumer_key"], "cs_wrong"),
                            timeout=TIMEOUT)
    assert response.status_code == 401
    assert error(response) == MISMATCH


def test_basic_with_a_wrong_secret(server):
    response = requests.get(f"{server.url}/wc-api/v2/customers", auth=(server.key["consumer_key"], "cs_wrong"),
                            timeout=TIMEOUT)
    assert response.status_code == 401
    assert error(response) == (AUTH, "Consumer secret is invalid.")


def test_unknown_key(server):
    stranger = API(url=server.url, consumer_key="ck_" + "0" * 40, consumer_secret=server.key["consumer_secret"],
                   wp_api=False, version="v2", timeout=TIMEOUT)
    response = stranger.get("customers")
    assert response.status_code == 401
    assert error(response) == (AUTH, "Consumer key is invalid.")


def test_bad_signature(server):
    url = signed_url(server)
    signature = dict(parse_qsl(urlsplit(url).query))["oauth_signature"]
    tampered = with_param(url, "oauth_signature", ("A" if signature[0] != "A" else "B") + signature[1:])
    response = requests.get(tampered, timeout=TIMEOUT)
    assert response.status_code == 401
    assert error(response) == MISMATCH
    assert requests.get(url + "&page=2", timeout=TIMEOUT).json()["errors"][0]["message"] == MISMATCH[1]


def test_replayed_nonce_official_client(server):
    url = signed_url(server)
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    replay = requests.get(url, timeout=TIMEOUT)
    assert replay.status_code == 401
    assert error(replay) == REPLAY


def test_replayed_nonce_oauthlib(server):
    session = requests.Session()
    prepared = requests.Request("GET", f"{server.url}/wc-api/v2/customers/count",
                                auth=OAuth1(server.key["consumer_key"], server.key["consumer_secret"])).prepare()
    assert session.send(prepared, timeout=TIMEOUT).status_code == 200
    replay = session.send(prepared, timeout=TIMEOUT)
    assert replay.status_code == 401
    assert error(replay) == REPLAY


def test_stale_and_future_timestamps(server):
    for offset in (-901, 901, -3600):
        response = requests.get(signed_url(server, timestamp=int(time.time()) + offset), timeout=TIMEOUT)
        assert response.status_code == 401, offset
        assert error(response) == (AUTH, "Invalid timestamp.")
    assert requests.get(signed_url(server, timestamp=int(time.time()) - 600), timeout=TIMEOUT).status_code == 200


def test_missing_oauth_parameters(server):
    for name in ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"):
        response = requests.get(with_param(signed_url(server), name, None), timeout=TIMEOUT)
        assert response.status_code == 404, name
        assert error(response) == (AUTH, f"{name} parameter is missing")


def test_unsupported_signature_method(server):
    auth = OAuth1(server.key["consumer_key"], server.key["consumer_secret"], signature_method="PLAINTEXT")
    response = requests.get(f"{server.url}/wc-api/v2/customers", auth=auth, timeout=TIMEOUT)
    assert response.status_code == 401
    assert error(response) == (AUTH, "Invalid signature - signature method is invalid.")


def test_read_key_cannot_write(server):
    reader = Client("woocommerce", server.url, server.read_key)
    response = reader.post("customers", {"customer": {"email": "nope@example.com"}})
    assert response.status_code == 401
    assert error(response) == (AUTH, "The API key provided does not have write permissions.")
    assert reader.get("customers/count").status_code == 200


def test_no_credentials(server):
    response = requests.get(f"{server.url}/wc-api/v2/customers", timeout=TIMEOUT)
    assert response.status_code == 404
    assert error(response) == (AUTH, "Consumer key is missing.")


def test_access_log_never_shows_oauth_parameters_or_secrets(server):
    before = server.access_log.count("\n")
    assert requests.get(signed_url(server, route="customers/count"), timeout=TIMEOUT).status_code == 200
    query_auth = {"consumer_key": server.key["consumer_key"], "consumer_secret": server.key["consumer_secret"]}
    assert requests.get(f"{server.url}/wc-api/v2/customers/count", params=query_auth, timeout=TIMEOUT).status_code == 200
    deadline = time.monotonic() + 5
    while server.access_log.count("\n") < before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.access_log
    assert "GET /wc-api/v2/customers/count 200" in log
    assert "oauth_" not in log and "consumer_" not in log
    assert server.key["consumer_secret"] not in log and server.key["consumer_key"] not in log
