"""The survey area's UI text has English msgids (the Chinese is the catalog's): every message
its Python and templates mark for translation is free of Chinese characters."""
import re
from pathlib import Path

from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[2]
#: As `make messages` extracts them (babel.cfg and the Makefile's -k options).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None,
            "lazy_gettext": None, "Conflict": None, "InvalidTransition": None,
            "NotAllowed": None, "NotFound": None}
HAN = re.compile(r"[\u3400-\u9fff]")


def survey_messages():
    sources = [*ROOT.glob("blueprints/survey/*.py"), *ROOT.glob("services/survey/*.py"),
               ROOT / "domain/survey.py", *ROOT.glob("templates/survey/*.html")]
    for path in sources:
        method = "jinja2" if path.suffix == ".html" else "python"
        options = {"extensions": "jinja2.ext.do"} if method == "jinja2" else {}
        for line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options):
            for text in message if isinstance(message, tuple) else (message,):
                yield f"{path.relative_to(ROOT)}:{line}", text


def test_survey_msgids_are_english():
    found = list(survey_messages())
    assert len(found) > 300  # the extraction sees the area's messages
    assert [(where, text) for where, text in found if HAN.search(text or "")] == []
