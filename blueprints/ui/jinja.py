"""What every template gets: gettext, the label helpers, the formats, the kept fragments and
the shared macros, registered on the app's Jinja environment."""
from functools import partial

from domain.phones import mask_phone
from domain.roles import Role
from domain.routing import NOTIFY_NUMBERS
from domain.survey import mask_name
from domain.tickets import Action, State

from .formats import countdown, day_label, isoutc, localtime, minutes_between
from .fragments import bell, nav_links
from .labels import TABLES, label, state_pill
from .language import install_gettext


def register(app) -> None:
    env = app.jinja_env
    install_gettext(env)
    env.add_extension("jinja2.ext.do")
    # state_label(value), group_label(value) …: one helper per label table.
    env.globals.update({f"{table}_label": partial(label, table) for table in TABLES})
    env.globals.update(
        state_pill=state_pill, NOTIFY_NUMBERS=NOTIFY_NUMBERS, Action=Action, State=State,
        Role=Role, minutes_between=minutes_between, nav_links=nav_links, bell=bell,
        countdown=countdown, day_label=day_label)
    env.filters.update(localtime=localtime, mask=mask_phone, isoutc=isoutc, mask_name=mask_name)
    # Globals rather than imported: Jinja 3.1 checks the importing context's globals on
    # every {% from … import %} (docs/decisions.md, Performance).
    macros = env.get_template("_macros.html").module
    env.globals.update(field=macros.field, period_filter=macros.period_filter)
    env.globals["charts"] = env.get_template("_charts.html").module
    from blueprints.nav import menu_for  # the grouped menu of a role (templates/_nav.html)
    env.globals["menu_for"] = menu_for
    from blueprints.evidence.timestamps import link_timestamps  # mm:ss → seek links
    env.filters["timestamps"] = link_timestamps
