"""The IT command line (`flask user create|import`, `flask demo`) through Flask's CLI runner,
checked by what then exists in the database and who can sign in."""
import re

from sqlalchemy import select

from extensions import db
from models import Team, Ticket, User

from ._support import count


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def user_by_no(employee_no):
    db.session.rollback()
    return db.session.scalar(select(User).where(User.employee_no == employee_no))


def team_by_name(name):
    db.session.rollback()
    return db.session.scalar(select(Team).where(Team.name == name))


def signs_in(client, employee_no, password) -> bool:
    response = client.post("/login", data={"employee_no": employee_no, "password": password})
    return response.status_code == 303


# --- user create ---------------------------------------------------------------------------

def test_user_create_makes_a_team_lead_of_a_new_team(app, client):
    result = run(app, "user", "create", "123456", "--name", "张三", "--role", "team_lead",
                 "--team", "三班", "--password", "secret-123")
    assert result.exit_code == 0, result.output
    assert "123456" in result.output
    user = user_by_no("123456")
    assert (user.name, user.role, user.active) == ("张三", "team_lead", True)
    team = team_by_name("三班")
    assert team is not None and team.lead_id == user.id and user.team_id == team.id
    assert signs_in(client, "123456", "secret-123")
    assert client.get("/review").status_code == 200  # leads the team's review queue


def test_user_create_without_password_prints_a_generated_one(app, client):
    result = run(app, "user", "create", "123457", "--name", "李四", "--role", "checker")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "generated password" in line]
    assert len(lines) == 1
    password = lines[0].rsplit(":", 1)[1].strip()
    assert len(password) >= 8
    assert signs_in(client, "123457", password)


def test_user_create_with_a_bad_employee_no_creates_nothing(app):
    users, teams = count(User), count(Team)
    result = run(app, "user", "create", "12ab", "--name", "张三", "--role", "team_lead",
                 "--team", "三班", "--password", "secret-123")
    assert result.exit_code != 0
    assert "4 to 10 digits" in result.output
    assert (count(User), count(Team)) == (users, teams)
    assert team_by_name("三班") is None


def test_user_create_refuses_a_taken_employee_no(app):
    assert run(app, "user", "create", "123456", "--name", "张三", "--role", "staff",
               "--team", "三班", "--password", "secret-123").exit_code == 0
    result = run(app, "user", "create", "123456", "--name", "王五", "--role", "staff",
                 "--team", "四班", "--password", "secret-456")
    assert result.exit_code != 0
    assert "123456 already exists" in result.output
    assert user_by_no("123456").name == "张三"
    assert team_by_name("四班") is None


def test_user_create_refuses_a_short_password(app):
    result = run(app, "user", "create", "123456", "--name", "张三", "--role", "checker",
                 "--password", "short")
    assert result.exit_code != 0
    assert user_by_no("123456") is None


# --- user import ---------------------------------------------------------------------------

def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_user_import_loads_every_row(app, client, tmp_path):
    roster = write(tmp_path, "employee_no,name,role,team,password\n"
                             "400001,周一,staff,五班,pass-word-1\n"
                             "400002,吴二,team_lead,五班,pass-word-2\n"
                             "400003,郑三,checker,,\n")
    result = run(app, "user", "import", roster)
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output
    names = [user_by_no(no).name for no in ("400001", "400002", "400003")]
    assert names == ["周一", "吴二", "郑三"]
    assert team_by_name("五班").lead.employee_no == "400002"
    assert user_by_no("400003").team is None
    assert signs_in(client, "400001", "pass-word-1")
    generated = [line for line in result.output.splitlines() if "400003" in line]
    assert generated and "generated password" in generated[0]


def test_user_import_reads_excel_style_utf8_with_bom(app, tmp_path):
    roster = write(tmp_path, "employee_no,name,role,team\n400011,钱七,staff,六班\n",
                   encoding="utf-8-sig")
    result = run(app, "user", "import", roster)
    assert result.exit_code == 0, result.output
    assert user_by_no("400011").team.name == "六班"


def test_user_import_with_one_bad_row_imports_nothing_and_names_the_line(app, tmp_path):
    users, teams = count(User), count(Team)
    roster = write(tmp_path, "employee_no,name,role,team,password\n"
                             "400001,周一,staff,五班,pass-word-1\n"
                             "40x2,吴二,team_lead,五班,pass-word-2\n"
                             "400003,郑三,checker,,\n")
    result = run(app, "user", "import", roster)
    assert result.exit_code != 0
    assert "line 3" in result.output
    assert "line 2" not in result.output and "line 4" not in result.output
    assert "nothing imported" in result.output
    assert (count(User), count(Team)) == (users, teams)
    assert user_by_no("400001") is None


def test_user_import_refuses_a_roster_without_the_columns(app, tmp_path):
    roster = write(tmp_path, "工号,姓名\n400001,周一\n")
    result = run(app, "user", "import", roster)
    assert result.exit_code != 0
    assert "missing columns" in result.output
    assert count(User) == 0


def test_reimport_that_demotes_a_lead_clears_the_teams_lead(app, client, make, tmp_path):
    first = write(tmp_path, "employee_no,name,role,team\n"
                            "400001,周一,team_lead,五班\n400002,吴二,staff,五班\n")
    assert run(app, "user", "import", first).exit_code == 0
    assert team_by_name("五班").lead.employee_no == "400001"
    second = write(tmp_path, "employee_no,name,role,team\n"
                             "400001,周一,staff,五班\n400002,吴二,staff,五班\n", name="b.csv")
    result = run(app, "user", "import", second)
    assert result.exit_code == 0, result.output
    assert user_by_no("400001").role == "staff"
    client.post("/login", data={"employee_no": make.user("admin").employee_no,
                                "password": make.PASSWORD})
    teams = client.get("/admin/teams").get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", teams, re.DOTALL) if "五班" in r)
    assert "周一" not in row  # an agent is not shown as the team's lead
    assert team_by_name("五班").lead is None


def test_user_import_of_a_non_utf8_roster_says_so(app, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("employee_no,name,role,team\n400009,周九,staff,五班\n".encode("gbk"))
    result = run(app, "user", "import", str(path))
    assert result.exit_code != 0
    assert count(User) == 0
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "UTF-8" in result.output


# --- demo ----------------------------------------------------------------------------------

def test_demo_if_empty_loads_once(app, client):
    assert count(User) == 0
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert count(User) == 12
    db.session.rollback()
    states = set(db.session.scalars(select(Ticket.state)))
    assert states == {"submitted", "returned_to_staff", "handed_over", "verifying", "judged",
                      "returned_to_lead", "voting"}
    tickets = count(Ticket)
    assert signs_in(client, "200100", "zikong-demo")  # a demo team lead
    assert client.get("/review").status_code == 200

    again = run(app, "demo", "--if-empty")
    assert again.exit_code == 0
    assert "nothing loaded" in again.output
    assert (count(User), count(Ticket)) == (12, tickets)


def test_demo_without_if_empty_refuses_a_database_with_users(app, make):
    make.user("admin")
    result = run(app, "demo")
    assert result.exit_code != 0
    assert (count(User), count(Ticket)) == (1, 0)


def test_the_demo_shows_a_callback_week_in_progress(app, client):
    """Callbacks given to named callers (one nobody holds yet), a problem graded and on its
    clocks, a caller's 我的回访 with work in it."""
    from models.callbacks import ContactProblem
    from models.survey import SurveyContact
    assert run(app, "demo").exit_code == 0
    db.session.rollback()
    open_ = select(SurveyContact).where(SurveyContact.needs_callback.is_(True),
                                        SurveyContact.callback_done_at.is_(None))
    holders = {c.caller.employee_no if c.caller else None for c in db.session.scalars(open_)}
    assert {"200101", "200102", "190002", None} <= holders
    grades = set(db.session.scalars(select(ContactProblem.grade)))
    assert {"general", "important"} <= grades
    assert signs_in(client, "200101", "zikong-demo")
    assert "138****0002" in client.get("/survey/mine").get_data(as_text=True)
