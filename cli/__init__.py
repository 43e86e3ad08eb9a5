"""The command line: Typer commands over the :mod:`analysis` library. Only this package prints."""
