def register(router) -> None:
    """Registers the population register's API endpoints."""
