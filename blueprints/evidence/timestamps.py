"""The `timestamps` template filter: moments of the recording written as mm:ss (02:10, or
02：10 from a Chinese input method) become links that seek the page's audio player
(static/js/player.js); without JavaScript they lead to the evidence on the page."""
import re

from markupsafe import Markup, escape

#: mm:ss with 1–3 digits of minutes, not part of a longer run of digits and colons
#: (so 1:02:10 or 2026-11-23 10:00:00 are left alone).
TIMESTAMP = re.compile(r"(?<![\d:：])(\d{1,3})[:：]([0-5]\d)(?![\d:：])")
LINK = Markup('<a class="seek" href="#evidence" data-seek="{seconds}">{text}</a>')


def link_timestamps(text) -> Markup:
    """Escape the user's text first, then wrap each mm:ss in a link. The only markup in the
    result is the link itself; its attributes hold digits we computed."""
    if text is None:
        return Markup("")
    text = str(text)
    parts, last = [], 0
    for match in TIMESTAMP.finditer(text):
        parts.append(escape(text[last:match.start()]))
        seconds = int(match.group(1)) * 60 + int(match.group(2))
        parts.append(LINK.format(seconds=seconds, text=match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
