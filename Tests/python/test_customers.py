"""Every customers endpoint (customers §1.4) through the official `woocommerce` client (v2 OAuth over http://),
requests-oauthlib (RFC 5849 header signing) and requests with Basic auth: statuses and JSON values."""
import uuid

import requests

from conftest import TIMEOUT, error

DOCS_CUSTOMER = {
    "first_name": "John", "last_name": "Doe",
    "billing_address": {"first_name": "John", "last_name": "Doe", "company": "", "address_1": "969 Market",
                        "address_2": "", "city": "San Francisco", "state": "CA", "postcode": "94103", "country": "US",
                        "phone": "(555) 555-5555"},
    "shipping_address": {"first_name": "John", "last_name": "Doe", "company": "", "address_1": "969 Market",
                         "address_2": "", "city": "San Francisco", "state": "CA", "postcode": "94103",
                         "country": "US"},
}


def unique(tag="c"):
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def create(client, email, **fields):
    response = client.post("customers", {"customer": {"email": email, **fields}})
    assert response.status_code == 201, response.text
    customer = response.json()["customer"]
    assert customer["email"] == email
    return customer


def test_index_needs_no_credentials(client, server):
    response = client.get("")
    assert response.status_code == 200, response.text
    store = response.json()["store"]
    assert store["URL"] == server.url
    assert "/customers/<id>" in store["routes"]
    assert requests.get(f"{server.url}/wc-api/v2", timeout=TIMEOUT).json() == response.json()


def test_create_returns_the_customer(client):
    email = unique() + "@example.com"
    customer = create(client, email, **DOCS_CUSTOMER)
    assert customer["first_name"] == "John" and customer["last_name"] == "Doe"
    assert customer["username"] == email.split("@")[0]
    assert customer["role"] == "customer"
    assert customer["total_spent"] == "0.00" and customer["orders_count"] == 0
    assert customer["billing_address"]["city"] == "San Francisco"
    assert customer["billing_address"]["email"] == ""
    assert customer["shipping_address"]["postcode"] == "94103"


def test_create_validation_error(client):
    response = client.post("customers", {"customer": {"email": "not-an-email"}})
    assert response.status_code == 400
    assert error(response) == ("customer_invalid_email", "Invalid email address")


def test_get_by_id_and_fields(client):
    customer = create(client, unique() + "@example.com", first_name="Ann")
    response = client.get(f"customers/{customer['id']}")
    assert response.status_code == 200
    assert response.json()["customer"] == customer
    response = client.get(f"customers/{customer['id']}", params={"fields": "id,first_name"})
    assert response.json() == {"customer": {"id": customer["id"], "first_name": "Ann"}}
    missing = client.get("customers/999999")
    assert missing.status_code == 404
    assert error(missing) == ("woocommerce_api_invalid_customer", "Invalid customer")


def test_get_by_email(client):
    email = unique("mail") + "@example.com"
    customer = create(client, email)
    response = client.get(f"customers/email/{email}")
    assert response.status_code == 200, response.text
    assert response.json()["customer"]["id"] == customer["id"]
    missing = client.get(f"customers/email/{unique()}@example.com")
    assert missing.status_code == 404
    assert error(missing)[0] == "woocommerce_api_invalid_customer_email"


def test_list_filters_and_pagination_headers(client, server):
    tag = unique("list")
    ids = [create(client, f"{tag}-{n}@example.com")["id"] for n in range(3)]
    params = {"filter[q]": f"*{tag}*", "filter[limit]": 2, "filter[orderby]": "registered", "filter[order]": "ASC"}
    first = client.get("customers", params={**params, "page": 1})
    assert first.status_code == 200, first.text
    assert [c["id"] for c in first.json()["customers"]] == ids[:2]
    assert first.headers["X-WC-Total"] == "3" and first.headers["X-WC-TotalPages"] == "2"
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links
    assert "oauth_" not in links and "consumer_" not in links and client.cs not in links
    assert links.startswith(f"<{server.url}/wc-api/v2/customers?")
    second = client.get("customers", params={**params, "page": 2})
    assert [c["id"] for c in second.json()["customers"]] == ids[2:]
    descending = client.get("customers", params={"filter[q]": f"*{tag}*", "filter[order]": "DESC",
                                                 "filter[orderby]": "email"})
    assert [c["id"] for c in descending.json()["customers"]] == ids[::-1]
    exact = client.get("customers", params={"filter[q]": f"{tag}-1@example.com", "fields": "id,email"})
    assert exact.json() == {"customers": [{"id": ids[1], "email": f"{tag}-1@example.com"}]}
    bad = client.get("customers", params={"filter[limit]": "x"})
    assert bad.status_code == 400 and error(bad)[0] == "woocommerce_api_invalid_parameter"


def test_count_honours_filters(client):
    before = client.get("customers/count")
    assert before.status_code == 200, before.text
    create(client, unique() + "@example.com")
    assert client.get("customers/count").json() == {"count": before.json()["count"] + 1}
    admins = client.get("customers/count", params={"filter[role]": "administrator"})
    assert admins.json() == {"count": 1}


def test_update_with_put_patch_and_post(client):
    customer = create(client, unique() + "@example.com", first_name="Before")
    path = f"customers/{customer['id']}"
    for method, name in [("PUT", "Put"), ("PATCH", "Patch"), ("POST", "Post")]:
        response = client.request(method, path, {"customer": {"first_name": name, "billing_address": {"city": name}}})
        assert response.status_code == 200, (method, response.text)
        updated = response.json()["customer"]
        assert updated["first_name"] == name and updated["billing_address"]["city"] == name
        assert updated["email"] == customer["email"]
    assert client.get(path).json()["customer"]["first_name"] == "Post"
    unknown = client.put("customers/999999", {"customer": {"first_name": "x"}})
    assert unknown.status_code == 400
    assert error(unknown)[0] == "woocommerce_api_invalid_customer"


def test_delete(client):
    customer = create(client, unique() + "@example.com")
    response = client.delete(f"customers/{customer['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == {"message": "Permanently deleted customer"}
    gone = client.get(f"customers/{customer['id']}")
    assert gone.status_code == 404
    assert error(gone) == ("woocommerce_api_invalid_customer", "Invalid customer")
    again = client.delete(f"customers/{customer['id']}")
    assert again.status_code == 404


def test_orders_and_downloads(client):
    customer = create(client, unique() + "@example.com")
    orders = client.get(f"customers/{customer['id']}/orders")
    assert orders.status_code == 200 and orders.json() == {"orders": []}
    downloads = client.get(f"customers/{customer['id']}/downloads")
    assert downloads.status_code == 200 and downloads.json() == {"downloads": []}
    missing = client.get("customers/999999/orders")
    assert missing.status_code == 404 and error(missing)[0] == "woocommerce_api_invalid_customer"


def test_bulk_creates_and_edits(client):
    existing = create(client, unique() + "@example.com")
    email = unique("bulk") + "@example.com"
    response = client.post("customers/bulk", {"customers": [
        {"email": email, "first_name": "Bulk"},
        {"id": existing["id"], "last_name": "Edited"},
        {"email": "broken"},
    ]})
    assert response.status_code == 201, response.text
    created, edited, failed = response.json()["customers"]
    assert created["email"] == email and created["first_name"] == "Bulk"
    assert edited["id"] == existing["id"] and edited["last_name"] == "Edited"
    assert failed["id"] == 0 and failed["error"]["code"] == "customer_invalid_email"
    assert client.get(f"customers/email/{email}").status_code == 200
