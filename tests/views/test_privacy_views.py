"""The personal-data page: the administrator's retention settings, a customer's request by
the administrator or the owner (the number only ever posted), and what the pages then show."""
import pytest

from domain.roles import Role
from services import privacy
from tests.services.test_privacy_services import NEW_CALLER, OLD_CALLER, floor  # noqa: F401

from ._support import element, html, text_of

pytestmark = pytest.mark.postgres


def test_retention_settings_keep_what_was_typed(db_backend, client, auth, make):
    auth.login(make.user(Role.ADMIN))
    refused = client.post("/privacy/retention", data={"contact_days": "5", "audio_days": "365"})
    assert refused.status_code == 422
    assert element(html(refused), "contact_days-error") is not None
    assert 'value="5"' in html(refused)
    saved = client.post("/privacy/retention", data={"contact_days": "90", "audio_days": "200"})
    assert saved.status_code == 303
    assert privacy.retention().contact_days == 90


def test_a_customers_request_from_the_page(db_backend, client, auth, floor):  # noqa: F811
    auth.login(floor["owner"])
    found = client.post("/privacy/lookup", data={"phone": NEW_CALLER})
    assert found.status_code == 200 and "Location" not in found.headers
    assert floor["new"].number in text_of(html(found), "found")
    unsure = client.post("/privacy/anonymise", data={"phone": NEW_CALLER, "reason": "客户要求"})
    assert unsure.status_code == 422 and element(html(unsure), "sure-error") is not None
    done = client.post("/privacy/anonymise", data={"phone": NEW_CALLER, "reason": "客户要求",
                                                   "sure": "y"})
    assert done.status_code == 200 and "1" in text_of(html(done), "anonymised-counts")
    page = html(client.get(f"/tickets/{floor['new'].id}"))
    assert "已匿名化" in text_of(page, "anonymised")
    assert NEW_CALLER not in page


def test_an_expired_excerpt_answers_410_and_says_so(db_backend, client, auth, floor, now):  # noqa: F811,E501
    privacy.apply_retention(now)
    auth.login(floor["owner"])
    page = html(client.get(f"/tickets/{floor['old'].id}"))
    assert "已按期删除" in text_of(page, "excerpts")
    excerpt_id = int(page.split('id="excerpt-')[1].split('"')[0])
    assert client.get(f"/tickets/{floor['old'].id}/evidence/{excerpt_id}").status_code == 410
    assert OLD_CALLER not in page
