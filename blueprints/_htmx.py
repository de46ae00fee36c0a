"""The only module that reads or writes HX-* headers."""
from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation: answer with a fragment."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true" \
        and request.headers.get("HX-History-Restore-Request") != "true"


def render(template: str, block: str | None = None, *, status: int = 200,
           with_flash: bool = True, **context):
    """The whole page, or only `block` (plus pending flash messages, out of band) for htmx.
    Background polls pass with_flash=False so they never swallow a message meant for a page."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
        if with_flash:
            body += render_template("_flash_oob.html")
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def is_self_refresh() -> bool:
    """An element reloading itself — a poll (`hx-trigger="every 30s"`), `load`, `revealed` —
    rather than a person acting: an htmx GET whose triggering element is its own target."""
    trigger = request.headers.get("HX-Trigger")
    return request.method == "GET" and is_htmx() and bool(trigger) \
        and trigger == request.headers.get("HX-Target")


def hx_redirect(url: str):
    """Send the browser to `url`: HX-Redirect for htmx, POST/redirect/GET otherwise."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
