class IdConverter:
    """A positive integer small enough for every database's integer columns (no overflow errors)."""

    regex = "[0-9]{1,15}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
