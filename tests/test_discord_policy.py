"""Discord policy alone: moderators, rate limits with a fake clock, scopes, conversation memory."""

from __future__ import annotations

import pytest

from bot.discord.policy import ConversationMemory, ModeratorPolicy, QuestionLimits, RateLimiter, scope_for
from bot.errors import PermissionDenied, RateLimited


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_manage_server_is_always_a_moderator():
    assert ModeratorPolicy("").is_moderator([], manage_guild=True)
    assert not ModeratorPolicy("").is_moderator([(1, "Moderator")], manage_guild=False)


@pytest.mark.parametrize("configured", ["Fact Checkers", "fact checkers", "555555555555555555"])
def test_the_configured_role_by_name_or_id_makes_a_moderator(configured):
    roles = [(111111111111111111, "@everyone"), (555555555555555555, "Fact Checkers")]
    assert ModeratorPolicy(configured).is_moderator(roles, manage_guild=False)
    assert not ModeratorPolicy(configured).is_moderator(roles[:1], manage_guild=False)


def test_refusal_names_what_would_allow_it():
    with pytest.raises(PermissionDenied, match="Fact Checkers.*Manage Server"):
        ModeratorPolicy("Fact Checkers").require([], False, "ingest sources")


def test_rate_limiter_reopens_after_the_window():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock)
    limiter.record("k")
    limiter.record("k")
    assert limiter.retry_after("k") == pytest.approx(60)
    clock.now += 30
    assert limiter.retry_after("k") == pytest.approx(30)
    clock.now += 30.5
    assert limiter.retry_after("k") == 0


def test_question_limits_are_per_member_and_per_server():
    clock = Clock()
    limits = QuestionLimits(per_user=2, per_server=3, window_s=60, clock=clock)
    limits.check(1, 10)
    limits.check(1, 10)
    with pytest.raises(RateLimited, match="try again in 60 s"):
        limits.check(1, 10)
    limits.check(2, 10)  # another member: fine, and the refused question was not counted
    with pytest.raises(RateLimited, match="server"):
        limits.check(3, 10)
    limits.check(3, 20)  # another server is unaffected
    clock.now += 61
    limits.check(1, 10)


def test_scope_is_per_server_only_when_configured():
    assert scope_for(42, per_server=True, global_scope="global") == "guild:42"
    assert scope_for(42, per_server=False, global_scope="shared") == "shared"
    assert scope_for(None, per_server=True, global_scope="global") == "global"


def test_conversation_memory_follows_links_and_stays_bounded():
    memory = ConversationMemory(max_turns=2, max_conversations=2)
    memory.add("thread:1", "q1")
    memory.add("thread:1", "q2")
    memory.add("thread:1", "q3")
    assert memory.history("thread:1") == ["q2", "q3"]
    memory.link(99, "message:5")
    assert memory.key_for_reply(99) == "message:5" and memory.key_for_reply(98) is None
    memory.add("a", "x")
    memory.add("b", "y")
    assert memory.history("thread:1") == [], "the least recently used conversation is dropped"
    assert ConversationMemory(max_turns=0).history("k") == []
