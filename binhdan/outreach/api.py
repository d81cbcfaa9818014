def register(router) -> None:
    """Registers this app's API endpoints on the shared router."""
