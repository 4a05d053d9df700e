"""`adplane serve` freezes what startup built, so a full collection does not walk it with the loop stopped."""

from __future__ import annotations

import gc

from adplane.app import create_app
from adplane.core.heap import freeze_startup_objects


def test_startup_objects_leave_the_collectors_walks(db, settings):
    app = create_app(settings, db, background=False)
    try:
        frozen = freeze_startup_objects()
        # other threads' objects come and go meanwhile (a frozen one freed by reference counting leaves the count)
        assert frozen > 0 and gc.get_freeze_count() > 0
        # a full collection now walks only what came after startup
        assert len(gc.get_objects()) < frozen
        assert app.router.routes  # the app is whole and still usable
    finally:
        gc.unfreeze()  # the test session builds many apps: leave the collector as it was
