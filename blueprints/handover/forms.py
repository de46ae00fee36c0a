"""The review queue's confirm step for signing several tickets over."""
from blueprints.forms import Form


class SignSeveralForm(Form):
    """The confirm step's post: CSRF, the listed tickets (ticket=<id>) and the version each
    showed (version-<id>), read from the request as posted."""

    def versions(self, formdata) -> dict[int, int | None]:
        chosen: dict[int, int | None] = {}
        for raw in formdata.getlist("ticket"):
            if raw.isdigit():
                version = formdata.get(f"version-{raw}", "")
                chosen[int(raw)] = int(version) if version.isdigit() else None
        return chosen


def ticket_ids(values: list[str]) -> list[int]:
    """?ticket=… as ids, ignoring anything that is not one."""
    return [int(v) for v in values if v.isdigit()]
