"""Use cases: the ``Cotraitance`` event-sourced application and its commands."""
