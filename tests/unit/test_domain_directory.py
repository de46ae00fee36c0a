"""Which role and team directory groups give, and what a sync changes (domain.directory)."""
import pytest

from domain.directory import Entry, Mapping, Placement, mapping_problems, normalize_dn, place, \
    sync_change

AGENTS = Mapping("cn=agents,ou=groups,dc=corp", "staff", "一班")
LEADS = Mapping("cn=leads,ou=groups,dc=corp", "team_lead", "一班")
OWNERS = Mapping("cn=owners,ou=groups,dc=corp", "owner")


def test_dns_compare_without_case_or_spaces():
    assert normalize_dn("CN=Agents, OU=Groups,dc=corp") == \
        normalize_dn("cn=agents,ou=groups,DC=corp")


@pytest.mark.parametrize("groups, expected", [
    (["cn=agents,ou=groups,dc=corp"], Placement("staff", "一班")),
    (["cn=agents,ou=groups,dc=corp", "cn=leads,ou=groups,dc=corp"],
     Placement("team_lead", "一班")),
    (["cn=leads,ou=groups,dc=corp", "cn=owners,ou=groups,dc=corp"], Placement("owner", None)),
    (["cn=other,ou=groups,dc=corp"], None),
    ([], None),
])
def test_the_highest_mapped_role_wins(groups, expected):
    assert place(groups, [AGENTS, LEADS, OWNERS]) == expected


def test_mapping_rows_are_checked():
    assert set(mapping_problems("agents", "staff", "")) == {"group", "team"}
    assert set(mapping_problems("cn=x,dc=corp", "nobody", "")) == {"role"}
    assert mapping_problems("cn=x,dc=corp", "checker", "") == {}
    assert set(mapping_problems("cn=x,dc=corp", "staff", "一\u202e班")) == {"team"}


ENTRY = Entry("200101", "张伟", "uid=200101,dc=corp", ("cn=agents,ou=groups,dc=corp",))


def test_sync_change():
    same = dict(name="张伟", role="staff", team="一班", active=True, entry=ENTRY,
                placement=Placement("staff", "一班"))
    assert sync_change("200101", **same) is None
    assert sync_change("200101", **{**same, "entry": None}).deactivate == "left"
    assert sync_change("200101", **{**same, "placement": None}).deactivate == "unmapped"
    assert sync_change("200101", **{**same, "active": False, "entry": None}) is None
    moved = sync_change("200101", **{**same, "placement": Placement("checker", None)})
    assert moved.fields == {"role": ("staff", "checker"), "team": ("一班", None)}
    renamed = sync_change("200101", **{**same, "entry": Entry("200101", "\u202e张伟伟", "x")})
    assert renamed.fields == {"name": ("张伟", "张伟伟")}
