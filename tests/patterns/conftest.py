"""The pattern library's tests reuse the read-model fixtures (the org and its views)."""

from tests.projections_views.conftest import views  # noqa: F401
