"""The composition root for everything but the web process: settings, wiring, the CLI."""
