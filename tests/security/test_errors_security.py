"""Friendly error pages in Chinese, never a traceback (SECURITY.md, input and output)."""
import shutil

import pytest
from flask import abort

from blueprints._access import public
from domain.errors import Conflict
from extensions import db
from tests.conftest import make_app


@pytest.fixture
def raising_app(sqlite_template, tmp_path):
    """A production-like app (TESTING off: exceptions are not propagated to the test) with
    routes that fail on purpose."""
    path = tmp_path / "errors.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", TESTING=False)
    app.logger.disabled = False  # see test_logging_security.log

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail in /srv/zikong/services/tickets.py")

    @app.route("/status/<int:code>")
    @public
    def status(code):
        abort(code)

    @app.route("/conflict")
    @public
    def conflict():
        raise Conflict("Someone changed this ticket after you opened it.")

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def body(response) -> str:
    return response.get_data(as_text=True)


def test_a_forced_exception_answers_the_friendly_500_page(raising_app, caplog):
    response = raising_app.test_client().get("/boom")
    assert response.status_code == 500
    page = body(response)
    assert '<html lang="zh-CN">' in page and "系统出错" in page and "错误已记录" in page
    for leak in ("Traceback", "RuntimeError", "secret detail", "tickets.py", "werkzeug"):
        assert leak not in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # the details go to the log instead
    assert any("secret detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_a_forced_exception_in_an_htmx_request_answers_the_fragment(raising_app):
    response = raising_app.test_client().get("/boom", headers={"HX-Request": "true"})
    assert response.status_code == 500
    page = body(response)
    assert 'id="error-body"' in page and "<html" not in page and "Traceback" not in page


@pytest.mark.parametrize("code, words", [
    (400, "请求有误"), (403, "无权"), (404, "页面不存在"), (405, "此地址不支持该类请求"),
    (409, "已被他人更改"), (413, "内容过大"), (429, "尝试次数过多"), (500, "系统出错"),
])
def test_every_error_status_has_a_chinese_page(raising_app, code, words):
    response = raising_app.test_client().get(f"/status/{code}")
    assert response.status_code == code
    page = body(response)
    assert words in page and '<html lang="zh-CN">' in page and 'id="error-body"' in page


def test_an_unhandled_domain_conflict_answers_409_not_500(raising_app):
    response = raising_app.test_client().get("/conflict")
    assert response.status_code == 409
    assert "已被他人更改" in body(response)


def test_debug_is_off_by_default(raising_app):
    assert not raising_app.debug


def test_an_oversized_htmx_post_answers_413(client, app):
    response = client.post("/login", data={"password": "x" * (app.config["MAX_CONTENT_LENGTH"]
                                                              + 1)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 413
