"""Agents' own accounts (`bot.agents`): secrets stored hashed, sessions that end when an
account is disabled, the shared keys of a single-agent store, the audit log, and the
`shopbot agents` command (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.agents import AgentDirectory, AgentRow, csrf_token, hash_secret, verify_secret
from bot.errors import InputError
from bot.store import SQLConversationStore
from tests.bot.test_store import store  # noqa: F401  (SQLite and a real PostgreSQL)
from tests.test_cli import shopbot

SHARED_KEY = "shared-agent-key-1"


@pytest.fixture
def agents(store: SQLConversationStore) -> AgentDirectory:  # noqa: F811
    return AgentDirectory(store.engine, [SHARED_KEY], session_hours=1)


def test_secrets_are_stored_as_salted_hashes() -> None:
    one, two = hash_secret("correct horse battery"), hash_secret("correct horse battery")
    assert one != two and one.startswith("scrypt$") and "horse" not in one
    assert verify_secret("correct horse battery", one)
    assert not verify_secret("correct horse batterY", one)
    assert not verify_secret("anything", "not-a-hash")


def test_add_log_in_act_disable_and_audit(agents: AgentDirectory) -> None:
    assert agents.shared_keys_warning() is None  # a single-agent store: nothing to say
    secret = agents.add("Ana", "agent")
    assert len(secret) >= 20
    assert "SHOPBOT_AGENT_KEYS" in (agents.shared_keys_warning() or "")
    agents.add("Bo", "admin", secret="bo's own long secret")
    with agents._session() as session:
        stored = {r.name: r.secret_hash for r in session.scalars(select(AgentRow))}
    assert secret not in json.dumps(stored) and "bo's own" not in json.dumps(stored)
    assert [(a.name, a.role) for a in agents.accounts()] == [("Ana", "agent"), ("Bo", "admin")]
    with pytest.raises(InputError, match="exists already"):
        agents.add("ana")  # names differ by more than case
    with pytest.raises(InputError, match="at least"):
        agents.add("Cy", secret="short")

    assert agents.authenticate("Ana", "wrong") is None
    ana = agents.authenticate(" Ana ", secret)
    assert ana is not None and (ana.name, ana.role, ana.via) == ("Ana", "agent", "account")
    # The shared key opens any name no account holds (as an admin), never an account's.
    assert agents.authenticate("ana", SHARED_KEY) is None
    shared = agents.authenticate("Dee", SHARED_KEY)
    assert shared is not None and (shared.role, shared.via) == ("admin", "shared key")

    token, session = agents.open_session(ana)
    assert session.csrf == csrf_token(token) and session.csrf != token
    assert agents.session(token) == session
    assert agents.session("forged") is None
    agents.record(ana, "reply", "c1", {"position": 3})
    agents.set_disabled("ana", True)
    assert agents.session(token) is None  # every session of hers ended at once
    assert agents.authenticate("Ana", secret) is None
    agents.set_disabled("Ana", False)
    assert agents.authenticate("Ana", secret) is not None

    log = agents.audit_log()
    assert [(r["agent"], r["action"]) for r in log[:3]] == [
        ("shopbot agents", "account_enabled"),
        ("shopbot agents", "account_disabled"),
        ("Ana", "reply"),
    ]
    assert log[2]["conversation_id"] == "c1" and log[2]["detail"] == {"position": 3}
    assert agents.audit_log(agent="Ana")[0]["via"] == "account"
    with pytest.raises(InputError, match="No agent named"):
        agents.set_disabled("Nobody", True)


def test_the_agents_command_adds_lists_and_disables(tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = shopbot("agents", "add", "Dana", "--role", "admin", home=home, timeout=120)
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert len(secret) >= 20 and "cannot be shown again" in added.stderr
    own = shopbot(
        "agents", "add", "Eli", "--secret-stdin", "--json", home=home, stdin="eli secret 12345\n"
    )
    assert json.loads(own.stdout) == {"name": "Eli", "role": "agent", "secret": None}
    twice = shopbot("agents", "add", "dana", home=home)
    assert twice.returncode != 0 and "exists already" in twice.stderr
    assert shopbot("agents", "disable", "Eli", home=home).returncode == 0
    listed = json.loads(shopbot("agents", "list", "--json", home=home).stdout)["agents"]
    assert [(a["name"], a["role"], a["disabled"]) for a in listed] == [
        ("Dana", "admin", False),
        ("Eli", "agent", True),
    ]
    audit = json.loads(shopbot("agents", "audit", "--json", home=home).stdout)["audit"]
    assert [r["action"] for r in audit] == ["account_disabled", "account_added", "account_added"]
    directory = AgentDirectory(
        SQLConversationStore(f"sqlite:///{home / 'conversations.db'}").engine
    )
    assert directory.authenticate("Dana", secret) is not None
    assert directory.authenticate("Eli", "eli secret 12345") is None  # disabled
