"""Hypothesis profiles for the fuzz suite: a small bounded run in CI, a long run on demand.

    make fuzz                      # HYPOTHESIS_PROFILE=long: thousands of examples per property
    HYPOTHESIS_PROFILE=ci pytest tests/fuzz   # what CI runs (the default)

Profiles are registered here and applied per test through `FUZZ` (not loaded globally), so other
test files that use hypothesis keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(PROFILE)  # decorate each property with @FUZZ
# Properties that run the real embedding model get a tenth of the examples (CI: 5).
MODEL_FUZZ = settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 20))
