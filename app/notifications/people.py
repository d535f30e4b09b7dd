"""The " id:username id:username " lists notifications keep of who acted (multimedia.parse_mentions
reads them, as it reads a mentions column)."""


def person(user_id: int, username: str) -> str:
    """One entry of such a list, with the space that ends it."""
    return f"{int(user_id)}:{username} "
