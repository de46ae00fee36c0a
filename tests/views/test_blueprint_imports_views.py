"""No blueprint imports another blueprint's views: what several pages share lives in a
module of its own (blueprints/ticket_page, blueprints/_actions.py …). And an area's package
declares only its Blueprint (blueprints/areas.py imports the routes), so that any module may
import an area's forms without importing its views — no import waits inside a function to
break a cycle."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (inside functions too), resolved."""
    package = module_name(path) if path.name == "__init__.py" else \
        module_name(path).rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def route_modules() -> dict[str, str]:
    """Each module that declares routes (@bp.route) → its area."""
    found = {}
    for path in BLUEPRINTS.glob("*/*.py"):
        if "@bp.route(" in path.read_text(encoding="utf-8"):
            found[module_name(path)] = path.parent.name
    return found


def area_of(path: Path) -> str | None:
    inside = path.relative_to(BLUEPRINTS).parts
    return inside[0] if len(inside) > 1 else None


def test_the_walk_finds_the_route_modules():
    routes = route_modules()
    assert {"blueprints.tickets.views", "blueprints.quality.views", "blueprints.quality.records",
            "blueprints.survey.contacts"} <= set(routes)


def test_no_blueprint_imports_another_blueprints_views():
    routes = route_modules()
    crossings = []
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        if path == BLUEPRINTS / "areas.py":
            continue  # the one list of every area's routes, imported by create_app
        for name in imported(path):
            if name in routes and routes[name] != area_of(path):
                crossings.append(f"{path.relative_to(ROOT)} imports {name}")
    assert crossings == []


def test_an_area_package_declares_only_its_blueprint():
    routes = route_modules()
    for init in sorted(BLUEPRINTS.glob("*/__init__.py")):
        assert not imported(init) & set(routes), f"{init.relative_to(ROOT)} imports its views"


def test_the_ticket_page_imports_first_without_a_cycle():
    """Imported before anything else (a fresh interpreter), the shared page and each area's
    forms load: nothing depends on the order the areas happen to be imported in."""
    code = ("import blueprints.ticket_page, blueprints.ticket_page.actions, "
            "blueprints.quality.forms, blueprints.tickets.views, blueprints.areas")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
