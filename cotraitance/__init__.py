"""The composition root: ``settings.py`` reads the configuration once, ``racine.py`` builds the
running service from it (application and ports, processors, workers, listeners), ``cli.py`` is
the ``cotraitance`` command. No other package builds the world; ``api`` receives what it serves."""
