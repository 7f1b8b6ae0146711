"""The delivery tests' small world (real database, real commands, a fake DM endpoint) serves the
notices' tests too."""

from tests.core.delivery.conftest import world  # noqa: F401
