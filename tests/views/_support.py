"""Helpers for the view tests: a second browser, HTML look-ups by element id, database
counts."""
from html.parser import HTMLParser

from sqlalchemy import func, select

from extensions import db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def new_client(app):
    """A second browser (conftest's IsolatedClient: each request in its own app context)."""
    return app.test_client()


def html(response) -> str:
    return response.get_data(as_text=True)


class _Finder(HTMLParser):
    def __init__(self, element_id):
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.attrs = None
        self.depth = 0
        self.text = []
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.attrs is None:
            if dict(attrs).get("id") == self.element_id:
                self.attrs = dict(attrs)
                self.depth = 0 if tag in VOID else 1
                self.done = tag in VOID
        elif tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.attrs is not None and not self.done and tag not in VOID:
            self.depth -= 1
            if self.depth == 0:
                self.done = True

    def handle_data(self, data):
        if self.attrs is not None and not self.done:
            self.text.append(data)


def element(page: str, element_id: str):
    """(attributes, inner text) of the element with this id, or None when there is none."""
    finder = _Finder(element_id)
    finder.feed(page)
    if finder.attrs is None:
        return None
    return finder.attrs, " ".join("".join(finder.text).split())


def text_of(page: str, element_id: str) -> str:
    found = element(page, element_id)
    assert found is not None, f'no element with id="{element_id}"'
    return found[1]


def count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count(model.id)))


def version_of(model, row_id: int) -> int:
    """A row's version now: what its page puts in each form that changes it."""
    db.session.rollback()  # see what the requests committed
    return db.session.get(model, row_id).version
