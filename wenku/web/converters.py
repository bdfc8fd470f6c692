class IdConverter:
    """A positive integer small enough for every database's integer columns (no overflow errors)."""

    regex = "[0-9]{1,15}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class KeyConverter:
    """A document's access key (secrets.token_urlsafe): the address of an unlisted document."""

    regex = "[A-Za-z0-9_-]{16,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RefConverter:
    """A document's id or, for an unlisted document, its access key (resolved by Document.objects.openable_at)."""

    regex = f"{IdConverter.regex}|{KeyConverter.regex}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: int | str) -> str:
        return str(value)
