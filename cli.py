"""Command line for IT: `flask --app app user create|import`, `flask --app app demo`."""
import click
from flask.cli import AppGroup

from domain.errors import Conflict
from domain.roles import Role
from services import users as user_service
from services.clock import utcnow

user_cli = AppGroup("user", help="Create and import users.")


@user_cli.command("create")
@click.argument("employee_no")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--team", default=None, help="Team name; created if missing. A team_lead "
              "given --team becomes its lead.")
@click.option("--password", default=None, help="At least 8 characters; generated if omitted.")
def create_user(employee_no, name, role, team, password):
    """Create one user."""
    try:
        user, generated = user_service.create_user(user_service.UserInput(
            employee_no=employee_no, name=name, role=role, team=team, password=password),
            now=utcnow())
    except Conflict as exc:
        message = exc.message % exc.params if exc.params else exc.message
        raise click.ClickException(message) from None
    click.echo(f"created {user.employee_no} {user.name} ({user.role})"
               + (f" team {user.team.name}" if user.team else ""))
    if generated:
        click.echo(f"generated password: {generated}")


@user_cli.command("import")
@click.argument("roster", type=click.File("r", encoding="utf-8-sig"))
def import_users(roster):
    """Import a CSV roster: employee_no,name,role,team[,password]. All rows or none."""
    try:
        result = user_service.import_roster(roster, now=utcnow())
    except UnicodeDecodeError:
        raise click.ClickException("the roster is not UTF-8 text: in Excel, save it as "
                                   "\"CSV UTF-8\" and import again") from None
    if result.errors:
        for line, message in result.errors:
            click.echo(f"line {line}: {message}" if line else message, err=True)
        raise click.ClickException("nothing imported")
    click.echo(f"created {len(result.created)}, updated {len(result.updated)}")
    for no, password in sorted(result.passwords.items()):
        click.echo(f"generated password for {no}: {password}")


def register(app):
    from demo import demo_command
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(sweep)
    app.cli.add_command(notify)
    from backup import backup_command, restore_command
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(directory_cli)


@click.command("sweep")
def sweep():
    """Close panel votes past their deadline, then tickets whose reply is recorded and whose
    appeal window has passed; raise the weekly warnings; alert the owner about supervision
    orders past their due time, and the duty managers about problem clocks that ran out
    (once each); remind leads of reviews due within 30 minutes and reply keepers of replies
    due within 4 hours (once each); once a day, anonymise the customer data and delete the
    audio excerpts past their retention (services/privacy.py). Safe to run from cron every
    minute, from several hosts."""
    from services.appeals import close_due_votes
    from services.notices import weekly_warnings
    from services.privacy import daily_retention
    from services.quality import close_due
    from services.reminders import remind_due
    from services.supervision import alert_overdue
    from services.survey.problems import alert_overdue as alert_overdue_problems
    now = utcnow()
    votes = close_due_votes(now)
    closed = close_due(now, limit=10_000)
    warnings = weekly_warnings(now)
    overdue = alert_overdue(now)
    problems = alert_overdue_problems(now)
    reminded = remind_due(now)
    retained = daily_retention(now)
    click.echo(f"sweep: closed {votes} vote(s) and {closed} ticket(s), "
               f"raised {warnings} warning(s), {overdue} overdue supervision order(s), "
               f"{problems} problem clock(s) run out, {reminded} deadline reminder(s)")
    if retained is not None:
        click.echo("retention: anonymised {tickets} ticket(s), {contacts} contact(s), cleared "
                   "{imports} import preview(s), deleted {audio} audio file(s)".format(
                       **retained))


@click.command("notify")
def notify():
    """Deliver the notification outbox (企业微信 / 钉钉 robots, e-mail, the SMS platform):
    due messages within each channel's rate limit, failures retried with backoff, dead
    letters for the administrator. Safe from cron every minute, from several hosts."""
    from services.channels import run
    tally = run(utcnow())
    click.echo("notify: " + (", ".join(f"{n} {status}" for status, n in sorted(tally.items()))
                             or "nothing due"))


directory_cli = AppGroup("directory", help="Directory (LDAP) accounts.")


@directory_cli.command("sync")
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
def directory_sync(dry_run):
    """Update names, roles and teams of directory accounts from the directory; deactivate
    those who left it or whose groups no longer map (ending their sessions). Audited.
    Safe from cron (e.g. hourly)."""
    from services import directory
    try:
        report = directory.sync(now=utcnow(), dry_run=dry_run)
    except directory.DirectoryUnavailable as exc:
        raise click.ClickException(f"directory sync: nothing changed: {exc}") from None
    prefix = "would " if dry_run else ""
    for change in report.changes:
        if change.deactivate:
            click.echo(f"{change.employee_no}: {prefix}deactivate ({change.deactivate})")
        else:
            fields = ", ".join(f"{key} {before or '-'} -> {after or '-'}"
                               for key, (before, after) in sorted(change.fields.items()))
            click.echo(f"{change.employee_no}: {prefix}update {fields}")
    click.echo(f"directory sync{' (dry run)' if dry_run else ''}: {len(report.changes)} "
               f"change(s), {report.unchanged} up to date, {report.directory_people} "
               f"people in the directory")
