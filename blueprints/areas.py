"""Every area's Blueprint with its routes, in the order create_app registers them.

An area's package (`blueprints/<area>/__init__.py`) declares only its Blueprint; the modules
imported here attach the routes to it. So any module may import an area's forms without
importing its views — the ticket page (blueprints/ticket_page) builds the forms of four
areas — and no import has to wait inside a function to break a cycle."""
import blueprints.admin.integrations  # noqa: F401  (each import: the module's routes)
import blueprints.admin.views  # noqa: F401
import blueprints.appeals.views  # noqa: F401
import blueprints.auth.views  # noqa: F401
import blueprints.cases.views  # noqa: F401
import blueprints.evidence.views  # noqa: F401
import blueprints.handover.views  # noqa: F401
import blueprints.main.views  # noqa: F401
import blueprints.notes.views  # noqa: F401
import blueprints.notices.views  # noqa: F401
import blueprints.privacy.views  # noqa: F401
import blueprints.proposals.views  # noqa: F401
import blueprints.quality.records  # noqa: F401
import blueprints.quality.views  # noqa: F401
import blueprints.reports.views  # noqa: F401
import blueprints.risks.views  # noqa: F401
import blueprints.supervision.views  # noqa: F401
import blueprints.survey.analysis  # noqa: F401
import blueprints.survey.assignments  # noqa: F401
import blueprints.survey.audits  # noqa: F401
import blueprints.survey.config  # noqa: F401
import blueprints.survey.contacts  # noqa: F401
import blueprints.survey.imports  # noqa: F401
import blueprints.survey.kpis  # noqa: F401
import blueprints.survey.problems  # noqa: F401
import blueprints.survey.queues  # noqa: F401
import blueprints.survey.ranking  # noqa: F401
import blueprints.survey.remedies  # noqa: F401
import blueprints.tickets.views  # noqa: F401
import blueprints.wallboard.views  # noqa: F401
from blueprints import (admin, appeals, auth, cases, evidence, handover, main, notes, notices,
                        privacy, proposals, quality, reports, risks, supervision, survey, tickets,
                        wallboard)

BLUEPRINTS = (main.bp, auth.bp, tickets.bp, handover.bp, quality.bp, appeals.bp, reports.bp,
              notices.bp, admin.bp, cases.bp, risks.bp, evidence.bp, survey.bp, supervision.bp,
              proposals.bp, notes.bp, wallboard.bp, privacy.bp)
